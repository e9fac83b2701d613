/**
 * Start-up checks of the local places `run` writes to (`--state-dir`, `--sink ndjson:PATH`), so a place
 * that cannot work fails at once with exit 2, the flag and the fix — not with a stack trace, not at the
 * first event, and not in an endless loop (Node's recursive `mkdir` spins forever under /proc).
 *
 * A directory is usable when every missing part of its path can be created (one level at a time, never
 * recursively), it is not on a kernel pseudo-filesystem (/proc, /sys, /dev, or one of their filesystem
 * types mounted elsewhere; a symbolic link into them counts), and a probe file can be created, synced
 * and removed in it. Messages name the path, which the operator typed; never file contents.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { access, lstat, mkdir, open, realpath, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { ConfigError } from '../shared/errors.js';

/** Who asked for the place and how to fix it, for the message: `<flag>: <subject>: <problem>; <fix>`. */
export interface LocationUse {
  /** e.g. `--state-dir`. */
  readonly flag: string;
  /** e.g. `cannot use /srv/bridge`. */
  readonly subject: string;
  /** e.g. `choose another --state-dir`. */
  readonly fix: string;
}

const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];
// statfs `f_type` of Linux pseudo-filesystems (linux/magic.h), for the same kinds mounted elsewhere.
// /dev is devtmpfs, which shares tmpfs's type, so it is refused by path only.
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0xde5e81e4, 'efivarfs'],
]);

const DIRECTORY_MODE = 0o700;

function fail(use: LocationUse, problem: string): ConfigError {
  return new ConfigError(use.flag, `${use.subject}: ${problem}; ${use.fix}`);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown error';
}

function explain(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only filesystem';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return code;
  }
}

async function statOrError(path: string): Promise<Stats | { readonly code: string }> {
  try {
    return await stat(path);
  } catch (error) {
    return { code: codeOf(error) };
  }
}

/** The name of the pseudo-filesystem `path` is on, by path or by filesystem type; `undefined` for a normal one. */
export async function pseudoFilesystemAt(path: string): Promise<string | undefined> {
  const root = PSEUDO_ROOTS.find((candidate) => path === candidate || path.startsWith(`${candidate}/`));
  if (root !== undefined) return root;
  if (process.platform !== 'linux') return undefined;
  // Unknown answers are not refusals: the probe file decides.
  const type = await statfs(path).then(
    (info) => info.type,
    () => undefined,
  );
  return type === undefined ? undefined : PSEUDO_FILESYSTEMS.get(type);
}

async function refusePseudoFilesystem(path: string, use: LocationUse): Promise<void> {
  const pseudo = await pseudoFilesystemAt(path);
  if (pseudo !== undefined) {
    throw fail(
      use,
      `${path} is on ${pseudo.startsWith('/') ? `${pseudo}, a` : `a ${pseudo}`} kernel pseudo-filesystem, where files cannot be kept`,
    );
  }
}

/** `/a/b/c` → `['/', '/a', '/a/b', '/a/b/c']`. */
function pathsFromRoot(target: string): string[] {
  const { root } = parse(target);
  const names = target
    .slice(root.length)
    .split(sep)
    .filter((name) => name !== '');
  return [root, ...names.map((_, index) => join(root, ...names.slice(0, index + 1)))];
}

/**
 * Makes sure `dir` exists (creating missing parts with mode 0700) and that files can be written in it;
 * throws a `ConfigError` for `use.flag` otherwise.
 */
export async function prepareWritableDirectory(dir: string, use: LocationUse): Promise<void> {
  const target = resolve(dir);
  await refusePseudoFilesystem(target, use);
  const parts = pathsFromRoot(target);
  let firstMissing = parts.length;
  for (const [index, part] of parts.entries()) {
    const info = await statOrError(part);
    if ('isDirectory' in info) {
      if (!info.isDirectory()) throw fail(use, `${part} is a file, not a directory`);
      continue;
    }
    if (info.code !== 'ENOENT') throw fail(use, `${part} cannot be read (${explain(info.code)})`);
    // stat follows links and lstat does not: a link that stat cannot follow points nowhere.
    const link = await lstat(part).then(
      (entry) => entry.isSymbolicLink(),
      () => false,
    );
    if (link) throw fail(use, `${part} is a symbolic link to a missing target`);
    firstMissing = index;
    break;
  }
  // Symbolic links resolved, so a link into /proc counts as /proc.
  const deepestExisting = parts[firstMissing - 1] ?? target;
  const real = await realpath(deepestExisting).catch((error: unknown) => {
    throw fail(use, `${deepestExisting} cannot be resolved (${explain(codeOf(error))})`);
  });
  await refusePseudoFilesystem(real, use);
  for (const part of parts.slice(firstMissing)) {
    try {
      await mkdir(part, { mode: DIRECTORY_MODE });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') {
        throw fail(use, `${part} cannot be created (${explain(codeOf(error))})`);
      }
    }
  }
  await probe(target, use);
}

/** Creates, syncs and removes a file: the cheapest proof that the store or the sink can write here. */
async function probe(dir: string, use: LocationUse): Promise<void> {
  const path = join(dir, `.cliniko-bridge-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile('probe\n');
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await rm(path, { force: true }).catch(() => undefined);
    throw fail(use, `files cannot be written in ${dir} (${explain(codeOf(error))})`);
  }
  await rm(path, { force: true });
}

/**
 * Makes sure `path` can be appended to and synced: an existing regular, writable file outside the
 * pseudo-filesystems, or a new file in a directory `prepareWritableDirectory` accepts.
 */
export async function prepareAppendableFile(path: string, use: LocationUse): Promise<void> {
  const target = resolve(path);
  const info = await statOrError(target);
  if (!('isFile' in info)) {
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') {
      throw fail(use, `${target} cannot be read (${explain(info.code)})`);
    }
    // Missing, or a parent is not a directory: the directory check says which part is wrong.
    await prepareWritableDirectory(dirname(target), use);
    return;
  }
  if (info.isDirectory()) throw fail(use, `${target} is a directory`);
  // Pipes, terminals and devices cannot be synced, and every append is synced before the cursor moves.
  if (!info.isFile()) throw fail(use, `${target} is not a regular file`);
  await refusePseudoFilesystem(await realpath(target), use);
  await access(target, constants.W_OK).catch((error: unknown) => {
    throw fail(use, `${target} cannot be written (${explain(codeOf(error))})`);
  });
}
