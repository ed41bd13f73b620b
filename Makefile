# The two commands: `make run` (portal on SQLite with demo data) and `make test` (every test).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_OUTPUT_NAME := trust-portal

.PHONY: run test setup build clean

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
	@echo
	./target/release/trust-portal serve

## Every test: fmt, clippy (ssr + wasm), unit/property, API on SQLite and Postgres, browser (JS on/off)
test:
	./scripts/setup.sh --test
	./scripts/test.sh

setup:
	./scripts/setup.sh

build:
	cargo leptos build --release --precompress --split

clean:
	rm -rf target/site data
