# The two commands: `make run` (portal on SQLite with demo data) and `make test` (every test);
# `make demo` plays and records the sprint demo.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_OUTPUT_NAME := trust-portal

.PHONY: run test demo setup build dist install clean

## Install what is missing, build, migrate + seed data/portal.db, serve at http://127.0.0.1:3000
run: setup build
	@mkdir -p data
	@./target/release/trust-portal migrate
	@./target/release/trust-portal demo seed
	@echo
	@echo "Trust Portal: http://127.0.0.1:3000   (password for every demo login: demo-password-123)"
	@echo "  admin@operator.demo (operator admin)  security@operator.demo  finance@operator.demo"
	@echo "  auditor@audit.demo (auditor of the demo audit engagement: read-only, Acme + Globex, 30 days)"
	@echo "  admin@acme.demo (tenant admin, Pro)  member@acme.demo  admin@globex.demo (tenant admin, Starter)"
	@echo "  The prober checks the portal from outside every 30 s (data/probe.log); trust-portal slo status"
	@echo
	@(sleep 3; exec ./target/release/trust-portal probe --url http://127.0.0.1:3000 --every 30s) >data/probe.log 2>&1 & \
	  prober=$$!; trap 'kill $$prober 2>/dev/null' EXIT; ./target/release/trust-portal serve

## Every test: fmt, clippy (ssr + wasm), unit/property, API on SQLite and Postgres, browser (JS on/off)
test:
	./scripts/setup.sh --test
	./scripts/test.sh

## Play the sprint demo on a fresh portal with demo data, recorded in Chromium: demo/report.html
demo:
	./scripts/setup.sh --demo
	$(MAKE) build
	cd end2end && TRUST_PORTAL_BIN=target/release/trust-portal PROBE_EVERY=10s playwright test -c demo.config.ts
	@echo "Demo report: $(CURDIR)/demo/report.html"

setup:
	./scripts/setup.sh

## A self-contained release directory (binary, site, example settings, systemd unit, Dockerfile): dist/trust-portal
dist: setup build
	DIST_COMMAND='make dist' ./scripts/dist.sh target/release/trust-portal dist/trust-portal

## Install the release directory (PREFIX=/opt/trust-portal); see README "Deploying" for the service
PREFIX ?= /opt/trust-portal
install: dist
	rm -rf $(PREFIX) && mkdir -p $(dir $(PREFIX)) && cp -r dist/trust-portal $(PREFIX)
	@echo "installed $(PREFIX); systemd: $(PREFIX)/share/trust-portal.service"

build:
	cargo leptos build --release --precompress --split

clean:
	rm -rf target/site data dist
