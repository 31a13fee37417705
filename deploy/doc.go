// SPDX-License-Identifier: Apache-2.0

// Package deploy holds the deployment of scfx in distributed mode and its checks:
// docker-compose.yml and the Dockerfile at the repository root, nginx.conf (the load
// balancer), dev-chain-operator.key (geth --dev's funded developer key, for the dev
// chain only) and the healthcheck command of the image. compose_test.go loads the
// compose file with compose-go, as docker compose would, and checks what
// docs/operations.md promises of it. No Docker engine is needed.
package deploy
