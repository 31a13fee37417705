// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

const (
	repoRoot    = ".."
	testToken   = "test-admin-token"
	healthcheck = "/usr/local/bin/healthcheck" // where the Dockerfile puts it
)

var replicas = []string{"scfx1", "scfx2", "scfx3"}

// loadProject loads docker-compose.yml as docker compose would, with env as the only
// environment (the test's own never leaks in).
func loadProject(t *testing.T, env ...string) (*types.Project, error) {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot), cli.WithEnv(env), cli.WithName("scfx"))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func project(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadProject(t, "SCFX_ADMIN_TOKEN="+testToken)
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %s: %v", name, err)
	}
	return s
}

// flags reads a command line's --name value and --name=value pairs; a flag with no
// value maps to "".
func flags(cmd []string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(cmd); i++ {
		name, ok := strings.CutPrefix(cmd[i], "--")
		if !ok {
			continue
		}
		if k, v, eq := strings.Cut(name, "="); eq {
			out[k] = v
		} else if i+1 < len(cmd) && !strings.HasPrefix(cmd[i+1], "--") {
			out[name] = cmd[i+1]
			i++
		} else {
			out[name] = ""
		}
	}
	return out
}

// namedVolumeAt is the named volume a service mounts at target, "" if none.
func namedVolumeAt(s types.ServiceConfig, target string) string {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == target {
			return v.Source
		}
	}
	return ""
}

// goModVersion is the version go.mod requires of module, or its go directive for "go".
func goModVersion(t *testing.T, module string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == module {
			return f[1]
		}
	}
	t.Fatalf("go.mod does not name %s", module)
	return ""
}

func TestComposeServices(t *testing.T) {
	p := project(t)
	want := append([]string{"geth", "lb", "redis"}, replicas...)
	slices.Sort(want)
	if got := p.ServiceNames(); !slices.Equal(got, want) {
		t.Errorf("services = %v, want %v", got, want)
	}
	for name, s := range p.Services {
		if s.HealthCheck == nil || s.HealthCheck.Disable || len(s.HealthCheck.Test) < 2 {
			t.Errorf("%s: healthcheck %+v, want one", name, s.HealthCheck)
		}
		if s.Build == nil && !pinned(s.Image) {
			t.Errorf("%s: image %q, want one pinned to a version tag", name, s.Image)
		}
	}
}

// pinned: a tag that names a version, not latest.
func pinned(image string) bool {
	_, tag, ok := strings.Cut(image[strings.LastIndex(image, "/")+1:], ":")
	return ok && tag != "latest" && regexp.MustCompile(`^v?[0-9]+\.[0-9]+`).MatchString(tag)
}

// TestComposeRedis: README, "Architecture" — appendonly yes, appendfsync always, on a volume.
func TestComposeRedis(t *testing.T) {
	s := service(t, project(t), "redis")
	if !strings.HasPrefix(s.Image, "redis:7.0") {
		t.Errorf("redis image %q, want redis:7.0.x (the Redis docs/benchmarks.md measured)", s.Image)
	}
	f := flags(s.Command)
	if f["appendonly"] != "yes" || f["appendfsync"] != "always" {
		t.Errorf("redis command %v, want --appendonly yes --appendfsync always", s.Command)
	}
	if namedVolumeAt(s, "/data") == "" {
		t.Errorf("redis volumes %+v, want a named volume on /data", s.Volumes)
	}
}

func TestComposeGeth(t *testing.T) {
	s := service(t, project(t), "geth")
	if want := "ethereum/client-go:" + goModVersion(t, "github.com/ethereum/go-ethereum"); s.Image != want {
		t.Errorf("geth image %q, want %q (the go-ethereum of go.mod)", s.Image, want)
	}
	f := flags(s.Command)
	_, dev := f["dev"]
	_, http := f["http"]
	if !dev || !http || f["http.addr"] != "0.0.0.0" || !strings.Contains(f["http.api"], "eth") {
		t.Errorf("geth command %v, want --dev --http --http.addr 0.0.0.0 --http.api with eth", s.Command)
	}
	if !slices.Contains(strings.Split(f["http.vhosts"], ","), "geth") {
		t.Errorf("geth --http.vhosts %q, want it to accept the host name geth (the replicas' --eth-rpc)", f["http.vhosts"])
	}
	if namedVolumeAt(s, f["datadir"]) == "" {
		t.Errorf("geth volumes %+v, want a named volume on its --datadir %q", s.Volumes, f["datadir"])
	}
}

// TestComposeReplicas: the three replicas join one journal and one chain, each with
// its own name and its own volume, built from the Dockerfile.
func TestComposeReplicas(t *testing.T) {
	p := project(t)
	serveSrc, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "scfx", "serve.go"))
	if err != nil {
		t.Fatal(err)
	}
	ids, vols := map[string]bool{}, map[string]bool{}
	var redisURL, ethRPC string
	for _, name := range replicas {
		s := service(t, p, name)
		if s.Build == nil || s.Build.Dockerfile != "Dockerfile" || filepath.Clean(s.Build.Context) != absRoot(t) {
			t.Errorf("%s build %+v, want the Dockerfile at the repository root", name, s.Build)
		}
		if len(s.Command) == 0 || s.Command[0] != "serve" {
			t.Fatalf("%s command %v, want scfx serve", name, s.Command)
		}
		f := flags(s.Command)
		for flag := range f {
			if !strings.Contains(string(serveSrc), `"`+flag+`"`) {
				t.Errorf("%s: flag --%s is not one of scfx serve's (cmd/scfx/serve.go)", name, flag)
			}
		}
		if f["addr"] != "0.0.0.0:8080" || f["data-dir"] != "/data" || f["node-id"] != name {
			t.Errorf("%s flags %v, want --addr 0.0.0.0:8080 --data-dir /data --node-id %s", name, f, name)
		}
		if redisURL == "" {
			redisURL, ethRPC = f["redis-url"], f["eth-rpc"]
		}
		if f["redis-url"] != redisURL || f["eth-rpc"] != ethRPC {
			t.Errorf("%s: --redis-url %q --eth-rpc %q, want the same as the others (%q, %q)", name, f["redis-url"], f["eth-rpc"], redisURL, ethRPC)
		}
		ids[f["node-id"]] = true
		vol := namedVolumeAt(s, "/data")
		if vol == "" || vols[vol] {
			t.Errorf("%s: volume on /data %q, want a named volume of its own", name, vol)
		}
		vols[vol] = true
		for _, dep := range []string{"redis", "geth"} {
			if d, ok := s.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s depends_on %s = %+v, want condition service_healthy", name, dep, d)
			}
		}
		if tok := s.Environment["SCFX_ADMIN_TOKEN"]; tok == nil || *tok != testToken {
			t.Errorf("%s: SCFX_ADMIN_TOKEN = %v, want the shared token from the environment", name, tok)
		}
		if hc := s.HealthCheck; hc == nil || !slices.Contains(hc.Test, healthcheck) || !strings.HasSuffix(hc.Test[len(hc.Test)-1], "/readyz") {
			t.Errorf("%s healthcheck %+v, want %s on /readyz", name, hc, healthcheck)
		}
	}
	if len(ids) != len(replicas) {
		t.Errorf("node ids %v, want %d distinct", ids, len(replicas))
	}
	checkEndpoint(t, "--redis-url", redisURL, "redis", "redis", "6379")
	checkEndpoint(t, "--eth-rpc", ethRPC, "http", "geth", "8545")
}

// TestComposeReplicaProcs: SCFX_REPLICA_GOMAXPROCS sets every replica's GOMAXPROCS
// (replicas sharing a host's cores); unset, it is empty, which Go ignores.
func TestComposeReplicaProcs(t *testing.T) {
	for _, c := range []struct{ env, want string }{{"", ""}, {"SCFX_REPLICA_GOMAXPROCS=1", "1"}} {
		p, err := loadProject(t, "SCFX_ADMIN_TOKEN="+testToken, c.env)
		if err != nil {
			t.Fatalf("load docker-compose.yml with %q: %v", c.env, err)
		}
		for _, name := range replicas {
			if v := service(t, p, name).Environment["GOMAXPROCS"]; v == nil || *v != c.want {
				t.Errorf("with %q: %s GOMAXPROCS = %v, want %q", c.env, name, v, c.want)
			}
		}
	}
}

func absRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// checkEndpoint checks that a replica's URL points at the compose service that serves it.
func checkEndpoint(t *testing.T, flag, raw, scheme, host, port string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != scheme || u.Hostname() != host || u.Port() != port {
		t.Errorf("%s %q, want %s://%s", flag, raw, scheme, net.JoinHostPort(host, port))
	}
}

// TestComposeLoadBalancer: nginx in front, on 8080, round robin over all three.
func TestComposeLoadBalancer(t *testing.T) {
	s := service(t, project(t), "lb")
	if !strings.HasPrefix(s.Image, "nginx:") {
		t.Errorf("lb image %q, want nginx", s.Image)
	}
	if len(s.Ports) != 1 || s.Ports[0].Published != "8080" || s.Ports[0].Target != 8080 {
		t.Errorf("lb ports %+v, want 8080:8080", s.Ports)
	}
	for _, r := range replicas {
		if d, ok := s.DependsOn[r]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("lb depends_on %s = %+v, want condition service_healthy", r, d)
		}
	}
	conf := ""
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && v.Target == "/etc/nginx/nginx.conf" {
			conf = v.Source
		}
	}
	if conf != filepath.Join(absRoot(t), "deploy", "nginx.conf") {
		t.Fatalf("lb mounts %q on /etc/nginx/nginx.conf, want deploy/nginx.conf", conf)
	}
	up, proxied, listen := parseNginx(t, conf)
	var want []string
	for _, r := range replicas {
		want = append(want, r+":8080")
	}
	if !slices.Equal(up["scfx"], want) {
		t.Errorf("nginx upstream scfx = %v, want %v", up["scfx"], want)
	}
	if proxied != "http://scfx" || listen != "8080" {
		t.Errorf("nginx proxy_pass %q listen %q, want http://scfx on 8080", proxied, listen)
	}
}

// parseNginx reads the servers of each upstream block, the proxy_pass and the listen
// port. It knows only the shape of deploy/nginx.conf: one directive per line.
func parseNginx(t *testing.T, path string) (upstreams map[string][]string, proxyPass, listen string) {
	t.Helper()
	fl, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	upstreams = map[string][]string{}
	block := ""
	sc := bufio.NewScanner(fl)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(line), ";"))
		switch {
		case len(f) == 3 && f[0] == "upstream" && f[2] == "{":
			block = f[1]
		case len(f) == 1 && f[0] == "}":
			block = ""
		case len(f) >= 2 && f[0] == "server" && block != "":
			upstreams[block] = append(upstreams[block], f[1])
		case len(f) == 2 && f[0] == "proxy_pass":
			proxyPass = f[1]
		case len(f) >= 2 && f[0] == "listen":
			listen = f[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return upstreams, proxyPass, listen
}

// TestComposeExposure: only the load balancer is reachable from outside the host;
// Redis and geth are not published at all (Redis has no password on this network).
func TestComposeExposure(t *testing.T) {
	for name, s := range project(t).Services {
		for _, port := range s.Ports {
			if name != "lb" && port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s:%s, want the load balancer alone published beyond 127.0.0.1", name, port.HostIP, port.Published)
			}
		}
		if (name == "redis" || name == "geth") && len(s.Ports) > 0 {
			t.Errorf("%s publishes ports %+v, want none", name, s.Ports)
		}
	}
}

// TestComposeNeedsAdminToken: with no operator token set, compose refuses to start
// rather than start replicas that each make up their own.
func TestComposeNeedsAdminToken(t *testing.T) {
	if _, err := loadProject(t); err == nil || !strings.Contains(err.Error(), "SCFX_ADMIN_TOKEN") {
		t.Errorf("load without SCFX_ADMIN_TOKEN = %v, want an error naming it", err)
	}
}

// TestDockerfile: a multi-stage build of a static binary (CGO_ENABLED=0) on golang of
// go.mod's version, and a minimal final stage that runs as a non-root user.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, drop comments.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var froms, runs []string
	var user, entrypoint string
	var copies []string
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			froms = append(froms, rest)
		case "RUN":
			runs = append(runs, rest)
		case "USER":
			user = rest
		case "ENTRYPOINT":
			entrypoint = rest
		case "COPY":
			copies = append(copies, rest)
		}
	}
	goVersion := goModVersion(t, "go")
	goMinor := strings.Join(strings.SplitN(goVersion, ".", 3)[:2], ".")
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:"+goMinor) || !strings.Contains(froms[0], " AS build") {
		t.Errorf("FROM lines %q, want a first stage golang:%s AS build and a final stage", froms, goMinor)
	}
	final := froms[len(froms)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("final stage FROM %q, want distroless/static or scratch", final)
	}
	build := ""
	for _, r := range runs {
		if strings.Contains(r, "./cmd/scfx") {
			build = r
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "go build", "-trimpath", "-ldflags='-s -w'", "./cmd/scfx", "./deploy/healthcheck"} {
		if !strings.Contains(build, want) {
			t.Errorf("build RUN %q lacks %q", build, want)
		}
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q, want a non-root user", user)
	}
	if !strings.Contains(entrypoint, "scfx") {
		t.Errorf("ENTRYPOINT %q, want scfx", entrypoint)
	}
	if !slices.ContainsFunc(copies, func(c string) bool { return strings.HasSuffix(c, " "+healthcheck) }) {
		t.Errorf("COPY lines %q, want the healthcheck at %s (the compose healthchecks run it)", copies, healthcheck)
	}
}
