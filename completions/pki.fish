# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pki_global_optspecs
    string join \n ca-dir= json q/quiet no-color ledger-password-file= h/help V/version
end

function __fish_pki_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pki_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pki_using_subcommand
    set -l cmd (__fish_pki_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pki -n "__fish_pki_needs_command" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_needs_command" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_needs_command" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_needs_command" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_needs_command" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_needs_command" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_needs_command" -f -a "ca" -d 'Create and manage the certificate authority'
complete -c pki -n "__fish_pki_needs_command" -f -a "issue" -d 'Issue a TLS server, client or peer certificate'
complete -c pki -n "__fish_pki_needs_command" -f -a "list" -d 'List the certificates this CA issued'
complete -c pki -n "__fish_pki_needs_command" -f -a "ledger" -d 'Read the CA\'s ledger, whichever its backend'
complete -c pki -n "__fish_pki_needs_command" -f -a "inspect" -d 'Explain certificates, keys, CSRs and CRLs in PEM or DER files'
complete -c pki -n "__fish_pki_needs_command" -f -a "verify" -d 'Validate a certificate for a host, an IP and a purpose, and say why not'
complete -c pki -n "__fish_pki_needs_command" -f -a "bundle" -d 'Order and complete a certificate chain'
complete -c pki -n "__fish_pki_needs_command" -f -a "csr" -d 'Make a key and a certificate signing request'
complete -c pki -n "__fish_pki_needs_command" -f -a "sign" -d 'Sign a certificate signing request with the CA'
complete -c pki -n "__fish_pki_needs_command" -f -a "revoke" -d 'Mark a certificate of this CA revoked'
complete -c pki -n "__fish_pki_needs_command" -f -a "crl" -d 'Write a certificate revocation list'
complete -c pki -n "__fish_pki_needs_command" -f -a "export" -d 'Export a key and its certificates in another container format'
complete -c pki -n "__fish_pki_needs_command" -f -a "convert" -d 'Convert one PEM object to DER, or one DER object to PEM'
complete -c pki -n "__fish_pki_needs_command" -f -a "renew" -d 'Issue a fresh certificate like an existing one'
complete -c pki -n "__fish_pki_needs_command" -f -a "check-renewal" -d 'Exit 3 when a certificate expires soon: a cron or CI guard'
complete -c pki -n "__fish_pki_needs_command" -f -a "serve" -d 'Run a TLS test endpoint that reports each handshake'
complete -c pki -n "__fish_pki_needs_command" -f -a "probe" -d 'Connect to a TLS server, show its chain and say whether it verifies'
complete -c pki -n "__fish_pki_needs_command" -f -a "trust" -d 'Make this machine\'s TLS clients trust the CA root (or stop)'
complete -c pki -n "__fish_pki_needs_command" -f -a "fixtures" -d 'Write a set of broken TLS certificates for testing clients (a local badssl.com)'
complete -c pki -n "__fish_pki_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pki -n "__fish_pki_needs_command" -f -a "man" -d 'Write man pages (pki.1 and one per subcommand) to a directory'
complete -c pki -n "__fish_pki_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -f -a "init" -d 'Create a self-signed root CA in the CA directory'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -f -a "intermediate" -d 'Create an intermediate CA signed by the root'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -f -a "path" -d 'Print the CA directory and the root certificate\'s path'
complete -c pki -n "__fish_pki_using_subcommand ca; and not __fish_seen_subcommand_from init intermediate path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l cn -d 'The root\'s common name' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l org -d 'The root\'s organisation name (O=)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l key-type -d 'The key type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l days -d 'Days the root is valid' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l path-len -d 'The root\'s pathLenConstraint: how many intermediates may follow it' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l permit -d 'Permit only these names to the certificates this CA signs (comma-separated, repeatable)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l exclude -d 'Forbid these names to the certificates this CA signs (comma-separated, repeatable)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l key-uri -d 'Make the root\'s key in a PKCS#11 token: \'pkcs11:token=TOKEN;object=LABEL\'' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l ledger -d 'Keep the ledger in PostgreSQL: postgres://USER@HOST[:PORT]/DB' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing CA; the old one moves to retired/TIMESTAMP/ in the CA directory'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -l exist-ok -d 'Succeed without changing anything when a usable CA is already there'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l name -d 'The intermediate\'s name: its directory under intermediates/ and its --issuer name' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l cn -d 'The intermediate\'s common name' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l key-type -d 'The key type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l days -d 'Days the intermediate is valid (cut to the root\'s notAfter)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l path-len -d 'The intermediate\'s pathLenConstraint' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l permit -d 'Permit only these names to the certificates this CA signs (comma-separated, repeatable)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l exclude -d 'Forbid these names to the certificates this CA signs (comma-separated, repeatable)' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l key-uri -d 'Make the intermediate\'s key in a PKCS#11 token: \'pkcs11:token=TOKEN;object=LABEL\'' -r
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -l force -d 'Replace an existing intermediate of that name'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from intermediate" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a self-signed root CA in the CA directory'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "intermediate" -d 'Create an intermediate CA signed by the root'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the CA directory and the root certificate\'s path'
complete -c pki -n "__fish_pki_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -f -a "server" -d 'Issue a TLS server certificate (EKU serverAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -f -a "client" -d 'Issue a TLS client certificate (EKU clientAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -f -a "peer" -d 'Issue a peer certificate, both server and client (EKU serverAuth and clientAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -f -a "batch" -d 'Issue many certificates from a JSON Lines file, all or nothing'
complete -c pki -n "__fish_pki_using_subcommand issue; and not __fish_seen_subcommand_from server client peer batch help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l san -d 'Subject alternative names: the names and addresses clients connect to' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l cn -d 'The subject common name (default: the first SAN)' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l key-type -d 'The key type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l days -d 'Days the certificate is valid' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l not-before -d 'Start of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l not-after -d 'End of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l issuer -d 'Sign with the intermediate NAME instead of the root' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l name -d 'Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l force -d 'Replace existing output files'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from server" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l cn -d 'The subject common name: who the client is' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l san -d 'Subject alternative names (optional for clients)' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l key-type -d 'The key type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l days -d 'Days the certificate is valid' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l not-before -d 'Start of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l not-after -d 'End of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l issuer -d 'Sign with the intermediate NAME instead of the root' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l name -d 'Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l force -d 'Replace existing output files'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l san -d 'Subject alternative names: the names and addresses clients connect to' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l cn -d 'The subject common name (default: the first SAN)' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l key-type -d 'The key type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l days -d 'Days the certificate is valid' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l not-before -d 'Start of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l not-after -d 'End of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l issuer -d 'Sign with the intermediate NAME instead of the root' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l name -d 'Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem' -r
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l force -d 'Replace existing output files'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from peer" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l out-dir -d 'Directory to write the files to (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from batch" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "server" -d 'Issue a TLS server certificate (EKU serverAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "client" -d 'Issue a TLS client certificate (EKU clientAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "peer" -d 'Issue a peer certificate, both server and client (EKU serverAuth and clientAuth)'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "batch" -d 'Issue many certificates from a JSON Lines file, all or nothing'
complete -c pki -n "__fish_pki_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand list" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand list" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand list" -l status -d 'Only certificates with this status (repeatable)' -r -f -a "valid\t'Within its validity period, not revoked, not superseded'
expired\t'Past its notAfter'
revoked\t'Revoked'
superseded\t'Renewed, or replaced by another certificate issued over the same file'"
complete -c pki -n "__fish_pki_using_subcommand list" -l expiring -d 'Only valid certificates whose notAfter comes within DURATION (12h, 30d, 8w)' -r
complete -c pki -n "__fish_pki_using_subcommand list" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand list" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand list" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand list" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -f -a "export" -d 'Write the ledger as JSON Lines, in ledger.jsonl\'s own format'
complete -c pki -n "__fish_pki_using_subcommand ledger; and not __fish_seen_subcommand_from export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -s o -l out -d 'Write to FILE (atomically: a whole file or none) instead of standard output' -r -F
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -l force -d 'Replace FILE if it exists'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the ledger as JSON Lines, in ledger.jsonl\'s own format'
complete -c pki -n "__fish_pki_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand inspect" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand inspect" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand inspect" -l at -d 'Judge validity at TIME instead of now (RFC 3339 or a date)' -r
complete -c pki -n "__fish_pki_using_subcommand inspect" -l passphrase-file -d 'Read the passphrase of PKCS#12 files from FILE (else $PKI_PASSPHRASE)' -r -F
complete -c pki -n "__fish_pki_using_subcommand inspect" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand inspect" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand inspect" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand verify" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand verify" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand verify" -l ca -d 'Trust anchors (repeatable; default: the CA directory\'s root)' -r -F
complete -c pki -n "__fish_pki_using_subcommand verify" -l untrusted -d 'Untrusted intermediates to build the chain with (repeatable)' -r -F
complete -c pki -n "__fish_pki_using_subcommand verify" -l host -d 'The host name the certificate must be valid for (DNS SANs, wildcards allowed)' -r
complete -c pki -n "__fish_pki_using_subcommand verify" -l ip -d 'The IP address the certificate must be valid for (IP SANs)' -r
complete -c pki -n "__fish_pki_using_subcommand verify" -l purpose -d 'What the certificate must be good for' -r -f -a "server\t'TLS server authentication (EKU serverAuth, or no EKU)'
client\t'TLS client authentication (EKU clientAuth, or no EKU)'
any\t'Either of the two'"
complete -c pki -n "__fish_pki_using_subcommand verify" -l at -d 'Check validity at TIME instead of now (RFC 3339 or a date)' -r
complete -c pki -n "__fish_pki_using_subcommand verify" -l key -d 'A private key that must belong to the leaf' -r -F
complete -c pki -n "__fish_pki_using_subcommand verify" -l crl -d 'CRLs to check revocation against (repeatable)' -r -F
complete -c pki -n "__fish_pki_using_subcommand verify" -l profile -d 'Which rules decide validity' -r -f -a "strict\t'rustls-webpki\'s verdict plus the strict profile of RFC 5280, the CA/B Forum BRs and the strictest clients (the default)'
webpki\t'Exactly what rustls (rustls-webpki) accepts'"
complete -c pki -n "__fish_pki_using_subcommand verify" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand verify" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand verify" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand verify" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand bundle" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand bundle" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand bundle" -s o -l out -d 'Write the chain to OUT instead of stdout' -r -F
complete -c pki -n "__fish_pki_using_subcommand bundle" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand bundle" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand bundle" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand bundle" -l include-root -d 'Also write the self-signed root at the end (it must then be found)'
complete -c pki -n "__fish_pki_using_subcommand bundle" -l force -d 'Replace OUT if it exists'
complete -c pki -n "__fish_pki_using_subcommand bundle" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand bundle" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand csr" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand csr" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand csr" -l cn -d 'The requested common name' -r
complete -c pki -n "__fish_pki_using_subcommand csr" -l san -d 'Requested subject alternative names (comma-separated, repeatable; as for `issue`)' -r
complete -c pki -n "__fish_pki_using_subcommand csr" -l key-type -d 'The type of the new key' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand csr" -l key -d 'Use this existing private key instead of making one' -r -F
complete -c pki -n "__fish_pki_using_subcommand csr" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand csr" -l name -d 'Base name of the files (default: the CN, made safe for a file name)' -r
complete -c pki -n "__fish_pki_using_subcommand csr" -l passphrase-file -d 'Read the new key\'s passphrase from FILE (implies --encrypt-key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand csr" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand csr" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand csr" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand csr" -l encrypt-key -d 'Encrypt the new private key with a passphrase'
complete -c pki -n "__fish_pki_using_subcommand csr" -l force -d 'Replace existing files'
complete -c pki -n "__fish_pki_using_subcommand csr" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand csr" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand sign" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand sign" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand sign" -l profile -d 'What the certificate is for' -r -f -a "server\t'A TLS server leaf (EKU serverAuth)'
client\t'A TLS client leaf (EKU clientAuth)'
peer\t'A cluster member\'s leaf, presented both as server and as client (EKU serverAuth and clientAuth), as etcd, Consul and Kafka use'"
complete -c pki -n "__fish_pki_using_subcommand sign" -l san -d 'Replace the requested SANs with these (comma-separated, repeatable)' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l days -d 'Days the certificate is valid' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l not-before -d 'Start of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l not-after -d 'End of validity: RFC 3339 time, date, or duration from now' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l issuer -d 'Sign with the intermediate NAME instead of the root' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand sign" -l name -d 'Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem' -r
complete -c pki -n "__fish_pki_using_subcommand sign" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand sign" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand sign" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand sign" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand sign" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand sign" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand sign" -l force -d 'Replace existing output files'
complete -c pki -n "__fish_pki_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand sign" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand revoke" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand revoke" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand revoke" -l reason -d 'Why' -r -f -a "unspecified\t'No reason given'
key-compromise\t'The certificate\'s private key was compromised'
ca-compromise\t'The CA\'s key was compromised'
affiliation-changed\t'The subject\'s name or affiliation changed'
superseded\t'The certificate was replaced'
cessation-of-operation\t'The certificate is no longer needed'"
complete -c pki -n "__fish_pki_using_subcommand revoke" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand revoke" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand revoke" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand crl" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand crl" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand crl" -l issuer -d 'Sign with the intermediate NAME instead of the root' -r
complete -c pki -n "__fish_pki_using_subcommand crl" -l days -d 'Days until nextUpdate' -r
complete -c pki -n "__fish_pki_using_subcommand crl" -s o -l out -d 'Where to write the CRL' -r -F
complete -c pki -n "__fish_pki_using_subcommand crl" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand crl" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand crl" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand crl" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand crl" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand crl" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand crl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand crl" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -f -a "p12" -d 'Write a PKCS#12 (.p12/.pfx) file with a key, its certificate and its chain'
complete -c pki -n "__fish_pki_using_subcommand export; and not __fish_seen_subcommand_from p12 help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l cert -d 'The certificate (a NAME-chain.pem works: the certificates after it are its chain)' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l key -d 'Its private key (PEM)' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l chain -d 'Intermediates to add after the certificate (a NAME-chain.pem works: the leaf in it is skipped)' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -s o -l out -d 'Output file (default: NAME.p12 beside the certificate)' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline dropped)' -r -F
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l name -d 'The friendly name (alias) of the entry (default: the file name)' -r
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l legacy -d 'Use the legacy 3DES / SHA-1 scheme for old Java, Windows and macOS'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -l force -d 'Replace the output file'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from p12" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "p12" -d 'Write a PKCS#12 (.p12/.pfx) file with a key, its certificate and its chain'
complete -c pki -n "__fish_pki_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand convert" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand convert" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand convert" -l to -d 'The output format' -r -f -a "pem\t'PEM text'
der\t'Binary DER'"
complete -c pki -n "__fish_pki_using_subcommand convert" -s o -l out -d 'Output file (default: stdout)' -r -F
complete -c pki -n "__fish_pki_using_subcommand convert" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand convert" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand convert" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand convert" -l force -d 'Replace the output file'
complete -c pki -n "__fish_pki_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand convert" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand renew" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand renew" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand renew" -l days -d 'Days the new certificate is valid (default: as long as CERTFILE was)' -r
complete -c pki -n "__fish_pki_using_subcommand renew" -l key -d 'The old key, for --reuse-key' -r -F
complete -c pki -n "__fish_pki_using_subcommand renew" -l out-dir -d 'Directory to write the files to' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand renew" -l name -d 'Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem' -r
complete -c pki -n "__fish_pki_using_subcommand renew" -l ca-passphrase-file -d 'Read the issuing CA key\'s passphrase from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand renew" -l pin-file -d 'Read the PKCS#11 token\'s user PIN from FILE (a CA key in a token)' -r -F
complete -c pki -n "__fish_pki_using_subcommand renew" -l pkcs11-module -d 'The PKCS#11 module (shared library) of the token holding the CA key' -r -F
complete -c pki -n "__fish_pki_using_subcommand renew" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand renew" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand renew" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand renew" -l reuse-key -d 'Keep the old key (NAME-key.pem beside the certificate, or --key)'
complete -c pki -n "__fish_pki_using_subcommand renew" -l force -d 'Replace existing output files'
complete -c pki -n "__fish_pki_using_subcommand renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand renew" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l within -d 'How far ahead to look: 12h, 30d, 8w' -r
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l at -d 'Judge at TIME instead of now (RFC 3339 or a date)' -r
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand check-renewal" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand serve" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand serve" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand serve" -l cert -d 'The certificate (a NAME-chain.pem works: the certificates after it are its chain)' -r -F
complete -c pki -n "__fish_pki_using_subcommand serve" -l key -d 'Its private key (PEM)' -r -F
complete -c pki -n "__fish_pki_using_subcommand serve" -l chain -d 'Intermediates to add after the certificate (a NAME-chain.pem works: the leaf in it is skipped)' -r -F
complete -c pki -n "__fish_pki_using_subcommand serve" -l listen -d 'Address to listen on (port 0: any free port, printed at start)' -r
complete -c pki -n "__fish_pki_using_subcommand serve" -l client-ca -d 'Verify client certificates against this CA' -r -F
complete -c pki -n "__fish_pki_using_subcommand serve" -l fixtures -d 'Serve every case of the fixture set in DIR, each on its own port' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand serve" -l listen-ip -d 'The address every case listens on (with --fixtures; default 127.0.0.1)' -r
complete -c pki -n "__fish_pki_using_subcommand serve" -l port -d 'The first port (with --fixtures; default 8443): the cases take it and the free ports above it' -r
complete -c pki -n "__fish_pki_using_subcommand serve" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand serve" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand serve" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand serve" -l require-client-cert -d 'Refuse clients without a valid certificate (needs --client-ca)'
complete -c pki -n "__fish_pki_using_subcommand serve" -l watch -d 'Reload the certificate and key when their files change'
complete -c pki -n "__fish_pki_using_subcommand serve" -l once -d 'Exit after one connection'
complete -c pki -n "__fish_pki_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand serve" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand probe" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand probe" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand probe" -l servername -d 'The name to ask for (SNI) and to verify (default: HOST)' -r
complete -c pki -n "__fish_pki_using_subcommand probe" -l ca -d 'Trust anchors (repeatable; default: the system\'s roots and the CA directory\'s root)' -r -F
complete -c pki -n "__fish_pki_using_subcommand probe" -l cert -d 'A client certificate to present (with --key)' -r -F
complete -c pki -n "__fish_pki_using_subcommand probe" -l key -d 'The client certificate\'s key' -r -F
complete -c pki -n "__fish_pki_using_subcommand probe" -l timeout -d 'Seconds the whole probe may take: connecting, the handshake and reading, together' -r
complete -c pki -n "__fish_pki_using_subcommand probe" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand probe" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand probe" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand probe" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -f -a "install" -d 'Put the root into the machine\'s trust stores'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -f -a "uninstall" -d 'Take the root back out of the machine\'s trust stores'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -f -a "status" -d 'Show the stores found and whether the root is in each'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -f -a "env" -d 'Print shell lines that trust the root without any rights'
complete -c pki -n "__fish_pki_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status env help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l store -d 'Only this store: system, nss or java (repeatable; default: every store found)' -r -f -a "system\t'The OS store (curl, openssl, Python, Go; Java on Debian)'
nss\t'NSS databases (Chromium, Chrome, Firefox)'
java\t'The JDK\'s `cacerts`'"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l nss-db -d 'Also this NSS database directory (repeatable; cert9.db: sql:, cert8.db: dbm:)' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l dry-run -d 'Print what would be done; change nothing'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l store -d 'Only this store: system, nss or java (repeatable; default: every store found)' -r -f -a "system\t'The OS store (curl, openssl, Python, Go; Java on Debian)'
nss\t'NSS databases (Chromium, Chrome, Firefox)'
java\t'The JDK\'s `cacerts`'"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l nss-db -d 'Also this NSS database directory (repeatable; cert9.db: sql:, cert8.db: dbm:)' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l dry-run -d 'Print what would be done; change nothing'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -l shell -d 'The shell to print for: sh (also bash, zsh) or fish' -r -f -a "sh\t'POSIX sh, bash, zsh: `export NAME=\'VALUE\'`'
fish\t'fish: `set -gx NAME \'VALUE\'`'"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from env" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "install" -d 'Put the root into the machine\'s trust stores'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Take the root back out of the machine\'s trust stores'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the stores found and whether the root is in each'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "env" -d 'Print shell lines that trust the root without any rights'
complete -c pki -n "__fish_pki_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l host -d 'The host name the good cases are valid for' -r
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l key-type -d 'The type of every key of the set (roots, intermediates, leaves)' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256, signing with SHA-256 (the default)'
ecdsa-p384\t'ECDSA on NIST P-384, signing with SHA-384'
ed25519\t'Ed25519 (pure)'
rsa-2048\t'RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-3072\t'RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256'
rsa-4096\t'RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256'"
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -l force -d 'Replace the fixture set already in DIR'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand fixtures" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand completions" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand completions" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand completions" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand completions" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand completions" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand completions" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand man" -l ca-dir -d 'The CA directory' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand man" -l ledger-password-file -d 'Read the PostgreSQL ledger\'s password from FILE' -r -F
complete -c pki -n "__fish_pki_using_subcommand man" -l out-dir -d 'Where to write the pages' -r -f -a "(__fish_complete_directories)"
complete -c pki -n "__fish_pki_using_subcommand man" -l json -d 'Print one JSON document on stdout instead of text'
complete -c pki -n "__fish_pki_using_subcommand man" -s q -l quiet -d 'Print nothing on success'
complete -c pki -n "__fish_pki_using_subcommand man" -l no-color -d 'Never use colour (also when NO_COLOR is set or output is not a terminal)'
complete -c pki -n "__fish_pki_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pki -n "__fish_pki_using_subcommand man" -s V -l version -d 'Print version'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "ca" -d 'Create and manage the certificate authority'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "issue" -d 'Issue a TLS server, client or peer certificate'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "list" -d 'List the certificates this CA issued'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "ledger" -d 'Read the CA\'s ledger, whichever its backend'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "inspect" -d 'Explain certificates, keys, CSRs and CRLs in PEM or DER files'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "verify" -d 'Validate a certificate for a host, an IP and a purpose, and say why not'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "bundle" -d 'Order and complete a certificate chain'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "csr" -d 'Make a key and a certificate signing request'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "sign" -d 'Sign a certificate signing request with the CA'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "revoke" -d 'Mark a certificate of this CA revoked'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "crl" -d 'Write a certificate revocation list'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "export" -d 'Export a key and its certificates in another container format'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "convert" -d 'Convert one PEM object to DER, or one DER object to PEM'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "renew" -d 'Issue a fresh certificate like an existing one'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "check-renewal" -d 'Exit 3 when a certificate expires soon: a cron or CI guard'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "serve" -d 'Run a TLS test endpoint that reports each handshake'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "probe" -d 'Connect to a TLS server, show its chain and say whether it verifies'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "trust" -d 'Make this machine\'s TLS clients trust the CA root (or stop)'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "fixtures" -d 'Write a set of broken TLS certificates for testing clients (a local badssl.com)'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "man" -d 'Write man pages (pki.1 and one per subcommand) to a directory'
complete -c pki -n "__fish_pki_using_subcommand help; and not __fish_seen_subcommand_from ca issue list ledger inspect verify bundle csr sign revoke crl export convert renew check-renewal serve probe trust fixtures completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
