import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './service-process';

/** PEM files of one certificate: `cert` (the certificate), `key` (its PKCS#8 private key). */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/**
 * ### A throw-away certificate authority, for tests that prove TLS on a real server.
 *
 * Made with the `openssl` CLI at test time (no certificate in the repository, none that
 * outlives the suite): a CA, a server certificate for `localhost`/`127.0.0.1` (where the test
 * servers listen; the client checks the name), and a client certificate for mutual TLS. The
 * same commands an operator runs with a real CA, which is why this is `openssl` and not a
 * JavaScript library: nothing to install, and the docs can show them. EC P-256 keys: quick
 * to make; `-nodes` writes them unencrypted as PKCS#8, the form Kafka's PEM key stores read.
 * A client that is not given `ca` trusts Node's public CA list only, so it must refuse the
 * server: the tests' "without the CA" case.
 */
export class TestCertificates {
  private constructor(
    readonly dir: string,
    /** The CA certificate: what `NATS_TLS_CA` / `KAFKA_SSL_CA` point at. */
    readonly ca: string,
    private readonly caKey: string,
  ) {}

  static create(label: string): TestCertificates {
    const parent = join(repoRoot, '.local', 'tls');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${label}-`));
    const ca = join(dir, 'ca.pem');
    const caKey = join(dir, 'ca.key');
    openssl(
      ['req', '-x509', ...newKey(caKey), '-out', ca, '-days', '1'],
      ['-subj', `/CN=switchyard-test-ca-${label}`],
    );
    return new TestCertificates(dir, ca, caKey);
  }

  /**
   * A server certificate for `localhost` and `127.0.0.1`, signed by this CA. Also good as a
   * client certificate: a Kafka broker is its peers' client (inter-broker connections).
   */
  server(name = 'server'): CertificateFiles {
    return this.issue(name, 'serverAuth,clientAuth', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  }

  /** One PEM file with the key, then the certificate: a Kafka `ssl.keystore.type=PEM` store. */
  keystore(files: CertificateFiles): string {
    const keystore = files.cert.replace(/\.pem$/, '.keystore.pem');
    writeFileSync(keystore, readFileSync(files.key, 'utf8') + readFileSync(files.cert, 'utf8'), {
      mode: 0o600,
    });
    return keystore;
  }

  /** A client certificate (`CN=<name>`), signed by this CA. */
  client(name = 'client'): CertificateFiles {
    return this.issue(name, 'clientAuth');
  }

  /** Deletes every key and certificate. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(name: string, usage: string, ...extensions: string[]): CertificateFiles {
    const files = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
    const csr = join(this.dir, `${name}.csr`);
    const extFile = join(this.dir, `${name}.ext`);
    writeFileSync(extFile, [`extendedKeyUsage=${usage}`, ...extensions].join('\n') + '\n');
    openssl(['req', ...newKey(files.key), '-out', csr], ['-subj', `/CN=${name}`]);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      this.ca,
      '-CAkey',
      this.caKey,
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      files.cert,
      '-extfile',
      extFile,
    ]);
    return files;
  }
}

const newKey = (keyFile: string) => [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
  '-keyout',
  keyFile,
];

function openssl(...args: string[][]): void {
  execFileSync('openssl', args.flat(), { stdio: ['ignore', 'ignore', 'pipe'] });
}
