import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '@switchyard/testkit';
import { Client } from 'pg';
import { benchEnv } from '../env';
import { connectRaw } from '../raw/raw-nats';
import { findProcesses } from './proc';

export type MachineDescription = Record<string, string>;

/** A dependency's version, from the package.json found above its entry point (exports may hide it). */
function packageVersion(name: string): string {
  try {
    let folder = dirname(require.resolve(name, { paths: [__dirname] }));
    for (;;) {
      const candidate = join(folder, 'package.json');
      if (existsSync(candidate)) {
        const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as {
          name?: string;
          version: string;
        };
        if (manifest.name === name) return manifest.version;
      }
      const parent = dirname(folder);
      if (parent === folder) return 'unknown';
      folder = parent;
    }
  } catch {
    return 'unknown';
  }
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The Kafka version from the running broker's classpath (`kafka_2.13-<version>.jar`). */
function kafkaVersion(): string {
  for (const { args } of findProcesses('kafka.Kafka')) {
    const classpath = args[args.indexOf('-cp') + 1] ?? args[args.indexOf('-classpath') + 1] ?? '';
    for (const entry of classpath.split(':')) {
      const folder = entry.endsWith('*') ? dirname(entry) : undefined;
      const names = folder && existsSync(folder) ? readdirSync(folder) : [entry];
      const jar = names.map((name) => /kafka_2\.\d+-([\d.]+)\.jar$/.exec(name)).find(Boolean);
      if (jar) return jar[1]!;
    }
  }
  const pom = join(repoRoot, 'infra', 'kafka', 'pom.xml');
  const configured = existsSync(pom)
    ? /<kafka\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))
    : null;
  return configured ? `${configured[1]} (from infra/kafka/pom.xml)` : 'unknown';
}

function kernel(): string {
  try {
    return execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The 1/5/15-minute load averages. Above the core count, something else was running
 * (other test suites on the shared brokers, say): read the figures as noisy.
 */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

export async function describeMachine(): Promise<MachineDescription> {
  const nc = await connectRaw('bench-describe');
  const natsVersion = nc.info?.version ?? 'unknown';
  await nc.close();
  const pg = new Client({ connectionString: benchEnv.DATABASE_URL });
  await pg.connect();
  const postgres = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;
  await pg.end();
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osName()} (${kernel()})`,
    'load average at start (1/5/15 min)': loadAverage(),
    node: process.version,
    'nats-server': natsVersion,
    kafka: kafkaVersion(),
    postgres: postgres ?? 'unknown',
    '@nats-io/transport-node': packageVersion('@nats-io/transport-node'),
    '@nestjs/microservices': packageVersion('@nestjs/microservices'),
    kafkajs: packageVersion('kafkajs'),
    fastify: packageVersion('fastify'),
    autocannon: packageVersion('autocannon'),
  };
}
