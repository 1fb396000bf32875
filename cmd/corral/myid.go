package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/corral-zk/corral/config"
)

// provideMyID handles `corral server --myid N` and `--myid-from-hostname`:
// container images have no shell to write dataDir/myid the way Apache's
// entrypoint scripts do, so the server writes it itself before reading
// its configuration.
func provideMyID(cfgPath string, id int64, fromHost bool) error {
	if id < 0 && !fromHost {
		return nil
	}
	if cfgPath == "" {
		return errors.New("--myid and --myid-from-hostname need --config (myid lives in its dataDir)")
	}
	if fromHost {
		if id >= 0 {
			return errors.New("give either --myid or --myid-from-hostname, not both")
		}
		host, err := os.Hostname()
		if err != nil {
			return fmt.Errorf("--myid-from-hostname: %w", err)
		}
		if id, err = config.MyIDFromHostname(host); err != nil {
			return fmt.Errorf("--myid-from-hostname: %w", err)
		}
	}
	return config.ProvideMyID(cfgPath, id)
}
