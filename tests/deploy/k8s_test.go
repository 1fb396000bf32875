package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/tests/harness"
)

// obj is one Kubernetes object of the manifest, as generic YAML.
type obj map[string]any

func (o obj) get(path ...string) any {
	var cur any = o
	for _, k := range path {
		m := asMap(cur)
		if m == nil {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func (o obj) str(path ...string) string { s, _ := o.get(path...).(string); return s }

func (o obj) list(path ...string) []any { l, _ := o.get(path...).([]any); return l }

func loadManifest(t *testing.T) map[string]obj {
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "deploy", "k8s", "corral.yaml"))
	require.NoError(t, err)
	byKind := map[string]obj{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var o obj
		if err := dec.Decode(&o); err != nil {
			require.ErrorContains(t, err, "EOF")
			break
		}
		kind := o.str("kind")
		if kind == "Service" && o.get("spec", "clusterIP") == "None" {
			kind = "HeadlessService"
		}
		_, dup := byKind[kind]
		require.False(t, dup, "one %s expected", kind)
		byKind[kind] = o
	}
	for _, k := range []string{"ConfigMap", "HeadlessService", "Service", "StatefulSet", "PodDisruptionBudget"} {
		require.Contains(t, byKind, k)
	}
	return byKind
}

// asMap returns v as a map: yaml.v3 decodes the maps inside an obj as obj.
func asMap(v any) map[string]any {
	switch m := v.(type) {
	case obj:
		return m
	case map[string]any:
		return m
	}
	return nil
}

// TestKubernetesManifestIsConsistent checks, without a cluster, what makes
// a StatefulSet ensemble form: every replica's host name gives a server id
// that has a server.N line naming that host through the headless service,
// the zoo.cfg is valid for each of them, and ports, volumes, probes and
// selectors agree with each other and with the image.
func TestKubernetesManifestIsConsistent(t *testing.T) {
	m := loadManifest(t)
	sts, hs := m["StatefulSet"], m["HeadlessService"]
	name, svc := sts.str("metadata", "name"), sts.str("spec", "serviceName")
	require.Equal(t, hs.str("metadata", "name"), svc, "serviceName is the headless service")
	assert.Equal(t, true, hs.get("spec", "publishNotReadyAddresses"), "peers must resolve before they are ready")
	assert.Equal(t, "Parallel", sts.str("spec", "podManagementPolicy"))

	labels := asMap(sts.get("spec", "template", "metadata", "labels"))
	require.NotEmpty(t, labels)
	for what, sel := range map[string]any{
		"statefulset":    sts.get("spec", "selector", "matchLabels"),
		"headless":       hs.get("spec", "selector"),
		"client service": m["Service"].get("spec", "selector"),
		"pdb":            m["PodDisruptionBudget"].get("spec", "selector", "matchLabels"),
	} {
		for k, v := range asMap(sel) {
			assert.Equal(t, v, labels[k], "%s selector %s", what, k)
		}
		assert.NotEmpty(t, asMap(sel), what)
	}

	zoo := m["ConfigMap"].str("data", "zoo.cfg")
	require.NotEmpty(t, zoo)
	containers := sts.list("spec", "template", "spec", "containers")
	require.Len(t, containers, 1)
	ctr := obj(asMap(containers[0]))
	var args []string
	for _, a := range ctr.list("args") {
		args = append(args, a.(string))
	}
	require.NotEmpty(t, args)
	assert.Equal(t, "server", args[0], "the image's entrypoint is /corral; args start with the command")
	assert.Contains(t, args, "--myid-from-hostname")
	cfgPath := ""
	for i, a := range args {
		if a == "--config" && i+1 < len(args) {
			cfgPath = args[i+1]
		}
	}
	mounts := map[string]string{}
	for _, v := range ctr.list("volumeMounts") {
		vm := obj(asMap(v))
		mounts[vm.str("name")] = vm.str("mountPath")
	}
	assert.Equal(t, filepath.Join(mounts["conf"], "zoo.cfg"), cfgPath, "--config names the ConfigMap's file")
	ports := map[int]bool{}
	for _, p := range ctr.list("ports") {
		ports[asMap(p)["containerPort"].(int)] = true
	}
	for _, probe := range []string{"readinessProbe", "livenessProbe"} {
		assert.True(t, ports[ctr.get(probe, "httpGet", "port").(int)], "%s port is a container port", probe)
	}

	replicas := sts.get("spec", "replicas").(int)
	for ord := 0; ord < replicas; ord++ {
		host := name + "-" + strconv.Itoa(ord)
		id, err := config.MyIDFromHostname(host)
		require.NoError(t, err)

		dataDir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dataDir, "myid"), []byte(strconv.FormatInt(id, 10)), 0o644))
		text := regexp.MustCompile(`(?m)^dataDir=(.*)$`).ReplaceAllStringFunc(zoo, func(l string) string {
			assert.Equal(t, "dataDir="+mounts["data"], l, "dataDir is the data volume")
			return "dataDir=" + dataDir
		})
		c, err := config.Parse(strings.NewReader(text), "")
		require.NoError(t, err, "zoo.cfg for %s", host)
		assert.Equal(t, id, c.ServerID)
		assert.False(t, c.IsStandalone())
		own, ok := c.Server(id)
		require.True(t, ok, "server.%d for %s", id, host)
		assert.Equal(t, host+"."+svc, own.Addresses[0].Host, "server.%d names pod %s through the headless service", id, host)
		for _, p := range []int{c.ClientPort, own.Addresses[0].QuorumPort, own.Addresses[0].ElectionPort, c.AdminServerPort} {
			assert.True(t, ports[p], "port %d of %s is a container port", p, host)
		}
		assert.Equal(t, replicas, len(c.Servers), "one server line per replica")
	}
	svcPorts := map[int]bool{}
	for _, p := range hs.list("spec", "ports") {
		svcPorts[asMap(p)["port"].(int)] = true
	}
	assert.True(t, svcPorts[2888] && svcPorts[3888], "the headless service carries quorum and election ports")
}
