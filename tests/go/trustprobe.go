// A TLS client for tests/it/trust.rs: GET the URL given as the only argument with Go's
// default roots (which honour SSL_CERT_FILE and SSL_CERT_DIR on Linux), print the body and
// exit 0; exit 1 when the handshake or the request fails. Built with `go build`.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(os.Args[1])
	if err != nil {
		fmt.Println("trustprobe failed:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
}
