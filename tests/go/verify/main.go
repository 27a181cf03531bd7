// Command verify is a judge for the name-constraint tests (tests/it/name_constraints.rs):
// Go's crypto/x509, standard library only.
//
//	verify ROOT.pem CHAIN.pem NAME
//
// CHAIN.pem holds the leaf first, then any intermediates. NAME is a DNS name or an IP
// address. Exit 0 and "ok" when x509.Verify accepts the leaf for NAME, exit 1 and Go's
// error otherwise, exit 2 on bad input.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

func certs(path string) []*x509.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(2)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		fmt.Fprintf(os.Stderr, "%s: no certificate\n", path)
		os.Exit(2)
	}
	return out
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: verify ROOT.pem CHAIN.pem NAME")
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	for _, c := range certs(os.Args[1]) {
		roots.AddCert(c)
	}
	chain := certs(os.Args[2])
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{
		DNSName:       os.Args[3],
		Roots:         roots,
		Intermediates: inter,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}
	if _, err := chain[0].Verify(opts); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
