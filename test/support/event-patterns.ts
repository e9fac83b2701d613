/**
 * Test helper for the `test:patterns` tier: asks AWS Event Ruler — the Java library EventBridge's
 * matching is built on — whether a rule pattern matches an event, so documented patterns are checked
 * by AWS's matcher rather than by one of ours.
 *
 * `ensureEventRulerJar()` builds `test/event-patterns` with Maven when its jar is missing or older
 * than its sources; `EventRuler.start()` runs one Java process that answers newline-delimited JSON
 * requests (see `EventPatternMatcher.java`). Requests are pipelined and matched to replies by id.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const MATCHER_PROJECT = fileURLToPath(new URL('../event-patterns/', import.meta.url));
/** Maven's output (git-ignored); the shaded jar needs nothing but `java -jar`. */
export const EVENT_RULER_JAR = join(MATCHER_PROJECT, 'target', 'event-patterns.jar');

const NEEDS = 'npm run test:patterns needs Java 17 or later (`java`) and Maven 3.8 or later (`mvn`) on PATH';

/** A request Event Ruler could not answer: an invalid pattern or event, reported by the matcher. */
export class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
}

/** Builds the matcher jar with Maven if it is missing or older than `pom.xml` or a source file. */
export function ensureEventRulerJar(): string {
  requireJava17();
  if (existsSync(EVENT_RULER_JAR) && statSync(EVENT_RULER_JAR).mtimeMs >= newestSourceMtime()) {
    return EVENT_RULER_JAR;
  }
  // Exact versions only, so after the first resolve from Maven Central this needs no network.
  const build = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', 'package'], {
    cwd: MATCHER_PROJECT,
    encoding: 'utf8',
  });
  if (isMissingCommand(build.error)) throw new Error(`${NEEDS}: \`mvn\` was not found.`);
  if (build.error !== undefined) throw build.error;
  if (build.status !== 0 || !existsSync(EVENT_RULER_JAR)) {
    throw new Error(
      `Building the Event Ruler matcher failed (mvn exit ${String(build.status)}):\n${tail(build.stdout + build.stderr)}`,
    );
  }
  return EVENT_RULER_JAR;
}

function requireJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (isMissingCommand(probe.error)) throw new Error(`${NEEDS}: \`java\` was not found.`);
  // `java -version` prints e.g. `openjdk version "17.0.15"` (or `"1.8.0_402"` for Java 8) on stderr.
  const major = Number(/version "(?:1\.)?(\d+)/.exec(probe.stderr)?.[1]);
  if (!(major >= 17)) {
    throw new Error(`${NEEDS}: \`java -version\` reports ${probe.stderr.split('\n')[0] ?? 'nothing'}.`);
  }
}

function newestSourceMtime(): number {
  const sources = readdirSync(join(MATCHER_PROJECT, 'src'), { recursive: true, encoding: 'utf8' }).map(
    (path) => join(MATCHER_PROJECT, 'src', path),
  );
  return Math.max(...[join(MATCHER_PROJECT, 'pom.xml'), ...sources].map((path) => statSync(path).mtimeMs));
}

const Reply = z.union([
  z.object({ id: z.number().int(), matches: z.boolean() }),
  z.object({ id: z.number().int().nullable(), error: z.string() }),
]);

interface Pending {
  readonly resolve: (matches: boolean) => void;
  readonly reject: (error: Error) => void;
}

/** One Event Ruler process. Start it in `beforeAll`, close it in `afterAll`. */
export class EventRuler {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = tail(this.stderr + chunk);
    });
    // A write after the process died (EPIPE) surfaces here; `close` then reports why it died.
    child.stdin.on('error', (error) => this.fail(error));
    createInterface({ input: child.stdout }).on('line', (line) => this.onReply(line));
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.fail(isMissingCommand(error) ? new Error(`${NEEDS}: \`java\` was not found.`) : error);
        resolve();
      });
      child.on('close', (code) => {
        this.fail(new Error(`the Event Ruler matcher exited (code ${String(code)}):\n${this.stderr}`));
        resolve();
      });
    });
  }

  /** Builds the jar if needed and starts the matcher. */
  static start(): EventRuler {
    const jar = ensureEventRulerJar();
    return new EventRuler(spawn('java', ['-jar', jar], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Whether Event Ruler matches `event` against the rule `pattern`; rejects for an invalid pattern. */
  matches(pattern: object, event: object): Promise<boolean> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, pattern, event })}\n`);
    });
  }

  /** Ends the matcher's input and waits for it to exit. */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  private onReply(line: string): void {
    const reply = parseReply(line);
    const waiting = reply?.id == null ? undefined : this.pending.get(reply.id);
    if (reply === undefined || reply.id === null || waiting === undefined) {
      this.fail(new Error(`unexpected reply from the Event Ruler matcher: ${line}`));
      return;
    }
    this.pending.delete(reply.id);
    if ('matches' in reply) waiting.resolve(reply.matches);
    else waiting.reject(new EventPatternError(reply.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

function parseReply(line: string): z.infer<typeof Reply> | undefined {
  try {
    const parsed = Reply.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isMissingCommand(error: Error | undefined): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function tail(text: string): string {
  return text.length <= 4000 ? text : text.slice(-4000);
}
