package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/benchy-dev/benchy/internal/atomicfile"
)

// memCacheLimit bounds the bytes the in-process cache keeps.
const memCacheLimit = 1 << 30

// byteCache keeps recently built models, evicting the oldest past a limit.
type byteCache struct {
	mu    sync.Mutex
	order []string
	data  map[string][]byte
	size  int
	limit int
}

var memCache = &byteCache{data: map[string][]byte{}, limit: memCacheLimit}

func (c *byteCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.data[key]
	return d, ok
}

func (c *byteCache) put(key string, d []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.data[key]; ok || len(d) > c.limit {
		return
	}
	for c.size+len(d) > c.limit && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.data[old])
		delete(c.data, old)
	}
	c.order = append(c.order, key)
	c.data[key] = d
	c.size += len(d)
}

// cacheKey identifies a build: replica, resolved options and builder
// version. Calibration inputs from a directory are keyed by path only; a
// user who changes the files in place should clear the cache.
func cacheKey(name string, o Options) string {
	k := struct {
		Name, Version string
		O             Options
	}{name, BuilderVersion, o}
	k.O.Calibration.Ranges = nil // hashed below, in sorted order
	k.O.Calibration.Library = "" // where ONNX Runtime lives changes nothing
	if o.Precision != INT8 {
		k.O.Calibration = Calibration{}
	}
	b, _ := json.Marshal(k)
	h := sha256.New()
	h.Write(b)
	if o.Precision == INT8 && len(o.Calibration.Ranges) > 0 {
		r, _ := json.Marshal(o.Calibration.Ranges) // maps marshal sorted
		h.Write(r)
	}
	return name + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// WriteFile writes data to path atomically (mode 0644, see
// atomicfile.Write), creating its directory.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.Write(path, data, 0o644)
}
