package webhooks

import "context"

// NewReceiverWithoutStore is the receiver with every check but no database:
// it answers 200 where the real one would store. The benchmark's baseline.
func NewReceiverWithoutStore(secrets ShopSecrets, cfg ReceiverConfig) (*Receiver, error) {
	return newReceiver(func(context.Context, inbound) (bool, error) { return true, nil }, secrets, cfg)
}
