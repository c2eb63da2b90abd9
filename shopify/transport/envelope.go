package transport

import (
	"encoding/json"
	"math"
	"time"
)

// throttleStatus is extensions.cost.throttleStatus of a response.
type throttleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable float64 `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

// envelope is the part of a GraphQL response the transport reads; data is
// left alone.
type envelope struct {
	Errors []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Cost *struct {
			RequestedQueryCost *float64        `json:"requestedQueryCost"`
			ActualQueryCost    *float64        `json:"actualQueryCost"`
			ThrottleStatus     *throttleStatus `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

// answer is what the transport learned from one response body.
type answer struct {
	throttled bool
	requested *float64
	actual    *float64
	status    *throttleStatus
}

// readAnswer parses body; a body that is not a GraphQL envelope (an HTML
// error page) yields an empty answer.
func readAnswer(body []byte) answer {
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return answer{}
	}
	var a answer
	for _, e := range env.Errors {
		if e.Extensions.Code == "THROTTLED" {
			a.throttled = true
		}
	}
	if c := env.Extensions.Cost; c != nil {
		a.requested, a.actual = c.RequestedQueryCost, c.ActualQueryCost
		if s := c.ThrottleStatus; s != nil && s.RestoreRate > 0 {
			a.status = s
		}
	}
	return a
}

// refillWait is how long the server's bucket needs to cover need points.
func (a answer) refillWait(need float64) time.Duration {
	if a.status == nil || need <= a.status.CurrentlyAvailable {
		return 0
	}
	secs := (need - a.status.CurrentlyAvailable) / a.status.RestoreRate
	return time.Duration(math.Ceil(secs * float64(time.Second)))
}
