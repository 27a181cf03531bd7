module pki.test/verify

go 1.19
