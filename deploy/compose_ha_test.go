// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// TestComposeHA: the profile "ha" (docs/operations.md, "Redis high availability") adds a
// durable replica of redis and three Sentinels that watch redis with quorum 2, each on
// a volume of its own; SCFX_REDIS_URL points every replica at the Sentinels.
func TestComposeHA(t *testing.T) {
	const url = "redis-sentinel://sentinel1:26379,sentinel2:26379,sentinel3:26379/mymaster/0"
	opts, err := cli.NewProjectOptions([]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot), cli.WithEnv([]string{"SCFX_ADMIN_TOKEN=" + testToken, "SCFX_REDIS_URL=" + url}),
		cli.WithName("scfx"), cli.WithProfiles([]string{"ha"}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml --profile ha: %v", err)
	}
	for _, name := range []string{"redis-replica", "sentinel1", "sentinel2", "sentinel3"} {
		if !slices.Contains(p.ServiceNames(), name) {
			t.Fatalf("profile ha: services %v, want %s", p.ServiceNames(), name)
		}
	}
	rep := service(t, p, "redis-replica")
	f := flags(rep.Command)
	if f["appendonly"] != "yes" || f["appendfsync"] != "always" || !strings.HasPrefix(f["replicaof"], "redis") || namedVolumeAt(rep, "/data") == "" {
		t.Errorf("redis-replica command %v volumes %+v, want a durable replica of redis on a volume", rep.Command, rep.Volumes)
	}
	vols := map[string]bool{}
	for _, name := range []string{"sentinel1", "sentinel2", "sentinel3"} {
		s := service(t, p, name)
		script := strings.Join(s.Command, " ")
		if !strings.Contains(script, "sentinel monitor mymaster redis 6379 2") || !strings.Contains(script, "redis-sentinel") {
			t.Errorf("%s command %q, want a Sentinel monitoring redis as mymaster with quorum 2", name, script)
		}
		v := namedVolumeAt(s, "/data")
		if v == "" || vols[v] {
			t.Errorf("%s: volume %q, want one of its own (Sentinel rewrites its configuration)", name, v)
		}
		vols[v] = true
	}
	for _, name := range replicas {
		if got := flags(service(t, p, name).Command)["redis-url"]; got != url {
			t.Errorf("%s --redis-url %q, want SCFX_REDIS_URL %q", name, got, url)
		}
	}
	// Without the profile: one Redis, and the replicas on it.
	for _, name := range replicas {
		if got := flags(service(t, project(t), name).Command)["redis-url"]; got != "redis://redis:6379/0" {
			t.Errorf("%s --redis-url %q without SCFX_REDIS_URL, want redis://redis:6379/0", name, got)
		}
	}
}
