package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/config"
)

// No container engine runs here, so deploy/compose, deploy/k8s and
// deploy/Dockerfile are checked statically: they parse; every file they
// refer to exists; the arguments they give the binary are flags it has; the
// ports they open are the ones it listens on; the environment variables
// they set are ones it reads; the configuration they mount is valid and every
// secret it names is provided.

// binaryEnv is every environment variable the binary reads by a fixed name
// (os.Getenv or os.LookupEnv in the workspace's non-test Go files).
func binaryEnv(t *testing.T) map[string]bool {
	t.Helper()
	re := regexp.MustCompile(`os\.(?:Getenv|LookupEnv)\("([A-Z0-9_]+)"\)`)
	out := map[string]bool{}
	for _, dir := range []string{"../../schema", "../../shopify", "../../mirror", "../../ingest", "../../planner", "../../applier", "."} {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllSubmatch(body, -1) {
				out[string(m[1])] = true
			}
			return nil
		}))
	}
	for _, v := range []string{"DATABASE_URL", "CLICKHOUSE_DSN", "KAFKA_BROKERS"} {
		require.Truef(t, out[v], "the binary reads %s", v)
	}
	return out
}

// configEnv loads and validates a configuration file and returns the
// environment variables it names for secrets.
func configEnv(t *testing.T, file string) (*config.Config, map[string]bool) {
	t.Helper()
	cfg, err := config.Load(file)
	require.NoErrorf(t, err, "%s passes schema/config validation", file)
	names := map[string]bool{}
	_, err = cfg.ResolveSecrets(func(name string) (string, bool) {
		names[name] = true
		return "x", true
	}, func(string) ([]byte, error) { return nil, errors.New("the deploy configurations use *_env keys only") })
	require.NoError(t, err, file)
	return cfg, names
}

// listening runs the flag parsing of the subcommand args name and returns
// the ports the process listens on: ingest's --listen, plan's and apply's
// --metrics-addr. A flag the binary lacks fails the test.
func listening(t *testing.T, where string, args []string) (sub string, ports []int, flags map[string]string) {
	t.Helper()
	cmd, rest, err := newRootCommand().Find(args)
	require.NoErrorf(t, err, "%s: %v", where, args)
	require.NotEqualf(t, "shopsync", cmd.Name(), "%s: %v names a subcommand", where, args)
	require.NoErrorf(t, cmd.ParseFlags(rest), "%s: %v are flags of shopsync %s", where, args, cmd.Name())
	require.Emptyf(t, cmd.Flags().Args(), "%s: %v", where, args)
	flags = map[string]string{}
	for _, name := range []string{"listen", "metrics-addr", "config", "watch", "once"} {
		if f := cmd.Flags().Lookup(name); f != nil {
			flags[name] = f.Value.String()
		}
	}
	addr := map[string]string{"ingest": flags["listen"], "plan": flags["metrics-addr"], "apply": flags["metrics-addr"]}[cmd.Name()]
	if cmd.Name() == "plan" && flags["watch"] != "true" {
		addr = "" // plan serves metrics only with --watch
	}
	if addr != "" {
		_, p, err := net.SplitHostPort(addr)
		require.NoErrorf(t, err, "%s: address %q", where, addr)
		n, err := strconv.Atoi(p)
		require.NoErrorf(t, err, "%s: address %q", where, addr)
		ports = append(ports, n)
	}
	return cmd.Name(), ports, flags
}

// yamlDocs parses every document of a YAML file.
func yamlDocs(t *testing.T, file string) []map[string]any {
	t.Helper()
	body, err := os.ReadFile(file)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var out []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoErrorf(t, err, "%s parses as YAML", file)
		if doc != nil {
			out = append(out, doc)
		}
	}
	require.NotEmpty(t, out, file)
	return out
}

// decodeInto converts a generic YAML value into a typed one.
func decodeInto(t *testing.T, v any, into any) {
	t.Helper()
	b, err := yaml.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, into))
}

// composeFile is the part of a compose file the test reads.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       *composeBuild     `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Expose      []string          `yaml:"expose"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   any               `yaml:"depends_on"`
}

type composeBuild struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
}

var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}`)

// expand resolves compose's ${VAR:-default} with the defaults (the way
// compose does with no .env).
func expand(s string) string {
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		sub := interpolation.FindStringSubmatch(m)
		return strings.TrimLeft(sub[2], ":-?")
	})
}

func TestComposeFile(t *testing.T) {
	dir := filepath.Join(deployDir, "compose")
	docs := yamlDocs(t, filepath.Join(dir, "compose.yaml"))
	require.Len(t, docs, 1)
	var c composeFile
	decodeInto(t, docs[0], &c)
	env := binaryEnv(t)

	for _, name := range []string{"postgres", "kafka", "clickhouse", "migrate", "ingest", "planner", "applier", "prometheus", "grafana"} {
		require.Containsf(t, c.Services, name, "compose.yaml runs %s", name)
	}

	// Kafka in KRaft mode: a broker that is its own controller, no ZooKeeper.
	kafka := c.Services["kafka"]
	require.Contains(t, kafka.Environment["KAFKA_PROCESS_ROLES"], "controller")
	for k := range kafka.Environment {
		require.NotContains(t, k, "ZOOKEEPER")
	}
	// A current ClickHouse (deploy/ is not bound to Debian's 18.16).
	tag := strings.SplitN(c.Services["clickhouse"].Image, ":", 2)
	require.Len(t, tag, 2)
	major, err := strconv.Atoi(strings.SplitN(tag[1], ".", 2)[0])
	require.NoError(t, err)
	require.GreaterOrEqual(t, major, 24, "a current ClickHouse image")

	listens := map[string][]int{"postgres": {5432}, "kafka": {9092, 9093}, "clickhouse": {9000, 8123}, "prometheus": {9090}, "grafana": {3000}}
	subcommands := map[string]string{}
	for name, s := range c.Services {
		where := "compose service " + name
		// Files and directories mounted from the repository exist.
		for _, v := range s.Volumes {
			src := strings.SplitN(v, ":", 2)[0]
			if strings.HasPrefix(src, ".") {
				_, err := os.Stat(filepath.Join(dir, src))
				require.NoErrorf(t, err, "%s mounts %s", where, src)
			} else {
				require.Containsf(t, c.Volumes, src, "%s: named volume %s is declared", where, src)
			}
		}
		if s.Build != nil {
			_, err := os.Stat(filepath.Join(dir, s.Build.Context, s.Build.Dockerfile))
			require.NoErrorf(t, err, "%s builds %s", where, s.Build.Dockerfile)
		}
		for _, dep := range dependsOn(s.DependsOn) {
			require.Containsf(t, c.Services, dep, "%s depends on a service", where)
		}
		if s.Image != "shopsync:local" {
			continue
		}
		require.NotNilf(t, s.Build, "%s builds the shopsync image", where)

		sub, ports, flags := listening(t, where, s.Command)
		subcommands[name] = sub
		listens[name] = ports
		var exposed []int
		for _, p := range append(slices.Clone(s.Expose), s.Ports...) {
			parts := strings.Split(p, ":")
			n, err := strconv.Atoi(parts[len(parts)-1])
			require.NoError(t, err, where)
			exposed = append(exposed, n)
		}
		require.ElementsMatchf(t, ports, exposed, "%s exposes the ports shopsync %s listens on", where, sub)

		// The configuration it reads is mounted, valid, and its secrets are
		// in the environment.
		provided := map[string]bool{}
		for k := range s.Environment {
			provided[k] = true
		}
		var secrets map[string]bool
		if f := flags["config"]; f != "" {
			host := ""
			for _, v := range s.Volumes {
				parts := strings.Split(v, ":")
				if len(parts) >= 2 && parts[1] == f {
					host = filepath.Join(dir, parts[0])
				}
			}
			require.NotEmptyf(t, host, "%s mounts its --config %s", where, f)
			_, secrets = configEnv(t, host)
			for v := range secrets {
				require.Truef(t, provided[v], "%s must set %s, which its configuration names", where, v)
			}
		}
		for k, v := range s.Environment {
			require.Truef(t, env[k] || secrets[k], "%s sets %s, which shopsync %s does not read", where, k, sub)
			checkServiceAddress(t, where, k, expand(v), listens)
		}
		for _, k := range []string{"DATABASE_URL", "CLICKHOUSE_DSN"} {
			require.Containsf(t, s.Environment, k, where)
		}
		if sub != "migrate" {
			require.Containsf(t, s.Environment, "KAFKA_BROKERS", where)
		}
	}
	require.Equal(t, "migrate", subcommands["migrate"])
	require.Equal(t, "ingest", subcommands["ingest"])
	require.Equal(t, "plan", subcommands["planner"])
	require.Equal(t, "apply", subcommands["applier"])

	checkPrometheus(t, c, listens)
	checkGrafana(t, dir, c.Services["grafana"])
}

// checkServiceAddress checks a DSN or broker list points at a service of
// the compose file on a port it listens on.
func checkServiceAddress(t *testing.T, where, key, value string, listens map[string][]int) {
	t.Helper()
	var hosts []string
	switch key {
	case "DATABASE_URL", "CLICKHOUSE_DSN":
		u, err := url.Parse(value)
		require.NoErrorf(t, err, "%s: %s", where, key)
		hosts = []string{u.Host}
	case "KAFKA_BROKERS":
		hosts = strings.Split(value, ",")
	default:
		return
	}
	for _, h := range hosts {
		host, port, err := net.SplitHostPort(h)
		require.NoErrorf(t, err, "%s: %s", where, key)
		n, _ := strconv.Atoi(port)
		require.Containsf(t, listens, host, "%s: %s names service %s", where, key, host)
		require.Containsf(t, listens[host], n, "%s: %s: %s listens on %d", where, key, host, n)
	}
}

func dependsOn(v any) []string {
	var out []string
	switch d := v.(type) {
	case []any:
		for _, s := range d {
			out = append(out, s.(string))
		}
	case map[string]any:
		for s := range d {
			out = append(out, s)
		}
	}
	return out
}

// checkPrometheus: every target is a compose service on a port it listens
// on, every shopsync component is scraped, and the rule files are mounted.
func checkPrometheus(t *testing.T, c composeFile, listens map[string][]int) {
	t.Helper()
	var p struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	decodeInto(t, yamlDocs(t, filepath.Join(deployDir, "prometheus/prometheus.yml"))[0], &p)
	scraped := map[string]bool{}
	for _, sc := range p.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, tg := range st.Targets {
				host, port, err := net.SplitHostPort(tg)
				require.NoError(t, err, sc.JobName)
				n, _ := strconv.Atoi(port)
				require.Containsf(t, listens[host], n, "job %s scrapes %s, where nothing listens", sc.JobName, tg)
				scraped[host] = true
			}
		}
	}
	for _, comp := range []string{"ingest", "planner", "applier"} {
		require.Truef(t, scraped[comp], "prometheus scrapes %s", comp)
	}
	mounted := map[string]bool{}
	for _, v := range c.Services["prometheus"].Volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 {
			mounted[parts[1]] = true
		}
	}
	require.NotEmpty(t, p.RuleFiles)
	for _, f := range p.RuleFiles {
		require.Truef(t, mounted[f], "rule file %s is mounted into prometheus", f)
	}
	require.True(t, mounted["/etc/prometheus/prometheus.yml"])
}

// checkGrafana: the provisioning and dashboards are mounted where the
// provisioning file looks for them, and the ClickHouse plugin is installed.
func checkGrafana(t *testing.T, dir string, g composeService) {
	t.Helper()
	var prov struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	decodeInto(t, yamlDocs(t, filepath.Join(deployDir, "grafana/provisioning/dashboards/shopsync.yaml"))[0], &prov)
	require.Len(t, prov.Providers, 1)
	mounts := map[string]string{}
	for _, v := range g.Volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 {
			mounts[parts[1]] = filepath.Clean(filepath.Join(dir, parts[0]))
		}
	}
	require.Equal(t, filepath.Clean(filepath.Join(deployDir, "grafana/dashboards")), mounts[prov.Providers[0].Options.Path])
	require.Equal(t, filepath.Clean(filepath.Join(deployDir, "grafana/provisioning")), mounts["/etc/grafana/provisioning"])
	require.Contains(t, g.Environment["GF_PLUGINS_PREINSTALL"]+g.Environment["GF_INSTALL_PLUGINS"], "grafana-clickhouse-datasource")
	require.Contains(t, g.Environment, "CLICKHOUSE_PASSWORD", "the ClickHouse datasource's password variable")
}

// The Dockerfile builds ./cmd/shopsync from the workspace, copying every
// module the binary depends on, and runs as a numeric non-root user.
func TestDockerfile(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	require.NoError(t, err)
	df := string(body)
	_, err = os.Stat(filepath.Join(deployDir, "Dockerfile.dockerignore"))
	require.NoError(t, err)
	copied := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^COPY ([^-].*) \S+$`).FindAllStringSubmatch(df, -1) {
		for _, src := range strings.Fields(m[1]) {
			_, err := os.Stat(filepath.Join("../..", src))
			require.NoErrorf(t, err, "COPY %s exists in the repository", src)
			copied[src] = true
		}
	}
	gomod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`=> \.\./\.\./(\S+)`).FindAllStringSubmatch(string(gomod), -1) {
		require.Truef(t, copied[m[1]], "the Dockerfile copies module %s, which cmd/shopsync requires", m[1])
	}
	require.True(t, copied["cmd"] && copied["go.work"])
	require.Contains(t, df, "go build")
	require.Contains(t, df, "./cmd/shopsync")
	require.Regexp(t, `(?m)^USER [0-9]+`, df)
	for _, p := range []string{"8080", "8081", "8082"} {
		require.Contains(t, df, p)
	}
	require.Equal(t, "8081", plannerMetricsPort)
	require.Equal(t, "8082", applierMetricsPort)
}

// k8sObject is the part of a Kubernetes object the test reads.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template k8sPodTemplate `yaml:"template"`
		// Service
		ServiceSelector map[string]string `yaml:"-"`
		Ports           []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type k8sPodTemplate struct {
	Metadata struct {
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		Containers []k8sContainer `yaml:"containers"`
		Volumes    []struct {
			Name      string `yaml:"name"`
			ConfigMap *struct {
				Name string `yaml:"name"`
			} `yaml:"configMap"`
		} `yaml:"volumes"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name string `yaml:"name"`
	} `yaml:"env"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
	} `yaml:"envFrom"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	VolumeMounts   []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

func TestKustomization(t *testing.T) {
	dir := filepath.Join(deployDir, "k8s")
	var k struct {
		Resources          []string `yaml:"resources"`
		ConfigMapGenerator []struct {
			Name     string   `yaml:"name"`
			Files    []string `yaml:"files"`
			Literals []string `yaml:"literals"`
		} `yaml:"configMapGenerator"`
		Images []struct {
			Name string `yaml:"name"`
		} `yaml:"images"`
	}
	decodeInto(t, yamlDocs(t, filepath.Join(dir, "kustomization.yaml"))[0], &k)

	// The kustomization lists every manifest in the directory; generator
	// inputs are not resources.
	generated := map[string]bool{}
	configMaps := map[string]map[string]bool{} // name -> keys given as env
	var configFile string
	for _, g := range k.ConfigMapGenerator {
		configMaps[g.Name] = map[string]bool{}
		for _, f := range g.Files {
			generated[f] = true
			configFile = filepath.Join(dir, f)
		}
		for _, l := range g.Literals {
			configMaps[g.Name][strings.SplitN(l, "=", 2)[0]] = true
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var files []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (path.Ext(n) == ".yaml" || path.Ext(n) == ".yml") && n != "kustomization.yaml" && !generated[n] {
			files = append(files, n)
		}
	}
	require.ElementsMatch(t, files, k.Resources, "kustomization.yaml lists every manifest of deploy/k8s")
	require.NotEmpty(t, configFile, "the configuration is a generated ConfigMap")
	cfg, secretEnv := configEnv(t, configFile)
	require.NotEmpty(t, cfg.Links)

	env := binaryEnv(t)
	var objects []k8sObject
	for _, f := range k.Resources {
		for _, doc := range yamlDocs(t, filepath.Join(dir, f)) {
			var o k8sObject
			decodeInto(t, doc, &o)
			require.NotEmptyf(t, o.Kind, "%s: every document has a kind", f)
			require.NotEmptyf(t, o.Metadata.Name, "%s: every object has a name", f)
			if o.Kind == "Service" {
				var s struct {
					Spec struct {
						Selector map[string]string `yaml:"selector"`
					} `yaml:"spec"`
				}
				decodeInto(t, doc, &s)
				o.Spec.ServiceSelector = s.Spec.Selector
			}
			objects = append(objects, o)
		}
	}

	secrets := map[string]map[string]bool{}
	for _, o := range objects {
		if o.Kind == "Secret" {
			secrets[o.Metadata.Name] = map[string]bool{}
			for key := range o.StringData {
				secrets[o.Metadata.Name][key] = true
				require.Truef(t, env[key] || secretEnv[key], "Secret %s holds %s, which shopsync does not read", o.Metadata.Name, key)
			}
		}
	}
	for key := range configMaps["shopsync-env"] {
		require.Truef(t, env[key], "ConfigMap shopsync-env sets %s, which shopsync does not read", key)
	}

	imageNames := map[string]bool{}
	for _, im := range k.Images {
		imageNames[im.Name] = true
	}
	workloads := map[string]bool{}
	podPorts := map[string]map[string]int{} // Deployment's pod labels (joined) -> port name -> number
	var services []k8sObject
	for _, o := range objects {
		switch o.Kind {
		case "Service":
			services = append(services, o)
			continue
		case "Deployment", "Job":
		default:
			continue
		}
		where := o.Kind + " " + o.Metadata.Name
		tmpl := o.Spec.Template
		if o.Kind == "Deployment" {
			for key, v := range o.Spec.Selector.MatchLabels {
				require.Equalf(t, v, tmpl.Metadata.Labels[key], "%s: the selector matches the pods", where)
			}
		}
		require.Lenf(t, tmpl.Spec.Containers, 1, where)
		c := tmpl.Spec.Containers[0]
		require.Truef(t, imageNames[c.Image], "%s: image %s is set by kustomization images", where, c.Image)
		sub, ports, flags := listening(t, where, c.Args)
		workloads[sub] = true

		declared := map[string]int{}
		var numbers []int
		for _, p := range c.Ports {
			declared[p.Name] = p.ContainerPort
			numbers = append(numbers, p.ContainerPort)
		}
		require.ElementsMatchf(t, ports, numbers, "%s: containerPorts are the ports shopsync %s listens on", where, sub)
		podPorts[labelKey(tmpl.Metadata.Labels)] = declared
		for _, probe := range []*k8sProbe{c.ReadinessProbe, c.LivenessProbe} {
			if probe == nil {
				continue
			}
			require.Equalf(t, "/healthz", probe.HTTPGet.Path, where)
			name, _ := probe.HTTPGet.Port.(string)
			require.Containsf(t, declared, name, "%s: the probe's port is a named container port", where)
		}
		if a := tmpl.Metadata.Annotations; a["prometheus.io/scrape"] == "true" {
			n, err := strconv.Atoi(a["prometheus.io/port"])
			require.NoError(t, err, where)
			require.Containsf(t, ports, n, "%s: Prometheus scrapes a port shopsync %s listens on", where, sub)
		}

		// Environment: every variable set is read by the binary or named
		// by the configuration, and the secrets the configuration names
		// reach the commands that read them.
		provided := map[string]bool{}
		for _, e := range c.Env {
			require.Truef(t, env[e.Name] || secretEnv[e.Name], "%s sets %s, which shopsync does not read", where, e.Name)
			provided[e.Name] = true
		}
		for _, ef := range c.EnvFrom {
			switch {
			case ef.SecretRef != nil:
				require.Containsf(t, secrets, ef.SecretRef.Name, "%s: Secret %s exists", where, ef.SecretRef.Name)
				for key := range secrets[ef.SecretRef.Name] {
					provided[key] = true
				}
			case ef.ConfigMapRef != nil:
				require.Containsf(t, configMaps, ef.ConfigMapRef.Name, "%s: ConfigMap %s is generated", where, ef.ConfigMapRef.Name)
				for key := range configMaps[ef.ConfigMapRef.Name] {
					provided[key] = true
				}
			}
		}
		require.Truef(t, provided["DATABASE_URL"], where)
		if sub == "migrate" {
			require.Truef(t, provided["CLICKHOUSE_DSN"], where)
			continue
		}
		require.Truef(t, provided["KAFKA_BROKERS"], where)
		if sub == "apply" {
			require.Truef(t, provided["CLICKHOUSE_DSN"], where)
		}
		if f := flags["config"]; f != "" {
			mounted := false
			for _, vm := range c.VolumeMounts {
				if filepath.Dir(f) == vm.MountPath {
					for _, v := range tmpl.Spec.Volumes {
						if v.Name == vm.Name && v.ConfigMap != nil && configMaps[v.ConfigMap.Name] != nil {
							mounted = true
						}
					}
				}
			}
			require.Truef(t, mounted, "%s: --config %s is in a mounted generated ConfigMap", where, f)
			require.Equalf(t, filepath.Base(configFile), filepath.Base(f), where)
			for v := range secretEnv {
				require.Truef(t, provided[v], "%s: %s, which the configuration names, is in the environment", where, v)
			}
		}
		if sub == "plan" || sub == "apply" {
			require.NotNilf(t, o.Spec.Replicas, where)
			require.GreaterOrEqualf(t, *o.Spec.Replicas, 2, "%s: several workers", where)
		}
	}
	for _, sub := range []string{"migrate", "ingest", "plan", "apply"} {
		require.Truef(t, workloads[sub], "deploy/k8s runs shopsync %s", sub)
	}

	// The webhook receiver is behind a Service whose target port is one the
	// ingest pods declare.
	require.NotEmpty(t, services)
	for _, s := range services {
		declared, ok := podPorts[labelKey(s.Spec.ServiceSelector)]
		require.Truef(t, ok, "Service %s selects a workload's pods", s.Metadata.Name)
		for _, p := range s.Spec.Ports {
			name, _ := p.TargetPort.(string)
			require.Containsf(t, declared, name, "Service %s targets a named container port", s.Metadata.Name)
		}
	}
}

// labelKey is a comparable form of a label set. A Service's selector matches
// a workload when it is the workload's pod labels (the manifests keep them
// equal).
func labelKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k, v := range labels {
		keys = append(keys, k+"="+v)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}
