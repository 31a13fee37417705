// SPDX-License-Identifier: Apache-2.0

// Command healthcheck is the container healthcheck of the scfx image: the distroless
// base has no shell, curl or wget. It GETs one URL (default the local /readyz) and
// exits 0 on 200 OK, 1 otherwise.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// timeout is below the compose healthcheck's (3 s), so that a hung request is reported
// by this program rather than killed.
const timeout = 2500 * time.Millisecond

func main() {
	url := "http://127.0.0.1:8080/readyz"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	if err := check(url); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		os.Exit(1)
	}
}

func check(url string) error {
	c := http.Client{Timeout: timeout}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", url, resp.Status, body)
	}
	return nil
}
