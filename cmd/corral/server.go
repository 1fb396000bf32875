package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/corral-zk/corral/actors/server"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/supervision"
)

func version() string { return "corral " + server.Version }

func runServer(args []string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "path to a zoo.cfg (Apache ZooKeeper format)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "log as JSON lines")
	testHooks := fs.Bool("test-hooks", false, "enable crash-injection hooks (tests only)")
	myid := fs.Int64("myid", -1, "write this server id to dataDir/myid if it has none (containers); an existing different myid is an error")
	myidFromHost := fs.Bool("myid-from-hostname", false, "like --myid, with the id taken from a StatefulSet host name: <name>-<ordinal> is server ordinal+1")
	pprofAddr := fs.String("pprof", "", "serve Go's /debug/pprof endpoints on this address (e.g. 127.0.0.1:6060); off when empty")
	gcHeadroom := fs.Int64("gc-headroom-mb", 64, "once the live heap is large, lower GOGC so that about this many MiB of garbage accumulate between collections (0: Go's default; ignored when GOGC is set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := provideMyID(*cfgPath, *myid, *myidFromHost); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, hopts)
	if *logJSON {
		handler = slog.NewJSONHandler(os.Stderr, hopts)
	}
	logger := slog.New(handler)
	slog.SetDefault(logger)
	defer tuneGC(*gcHeadroom << 20)()
	if *pprofAddr != "" {
		_, stop, err := startPprof(*pprofAddr, logger)
		if err != nil {
			return fmt.Errorf("--pprof: %w", err)
		}
		defer stop()
	}

	cfg := config.Default()
	if *cfgPath != "" {
		c, err := config.Load(*cfgPath)
		if err != nil {
			return err
		}
		cfg = c
	}
	opts := server.Options{Config: cfg, Logger: logger}
	if *testHooks {
		opts.Hooks = &supervision.CrashHooks{}
	}
	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		logger.Info("shutting down", "signal", s.String())
		srv.Stop()
		return nil
	case err := <-srv.Fatal():
		srv.Stop()
		return err
	}
}
