/**
 * What each configuration field accepts, with an example (each reads after "use"): appended to every validation message so the
 * operator reads the fix next to the problem. Keys are field paths with array indexes written `[]` and
 * per-stream keys written `<stream>`, per-tier keys `<tier>`.
 */
import { STREAM_NAMES } from '../streams.js';
import { LOG_RETENTION_DAYS } from './schema.js';

const payloadHints = (prefix: string): Record<string, string> => ({
  [prefix]:
    'an object with any of "mode", "include", "exclude", "previous", e.g. {"mode": "changes", "exclude": ["notes"]}',
  [`${prefix}.mode`]:
    'one of "full" (whole record), "changes" (id, lifecycle and changed fields) or "ids" (no data); leave it out for the default of the data class (changes for personal and clinical records, full for the others)',
  [`${prefix}.include`]:
    'a list of distinct top-level record field names (lowercase, digits, underscores), e.g. ["id", "email", "updated_at"]',
  [`${prefix}.include[]`]:
    'a top-level record field name of lowercase letters, digits and underscores, e.g. "email"',
  [`${prefix}.exclude`]:
    'a list of distinct top-level record field names (lowercase, digits, underscores), e.g. ["notes", "medicare"]',
  [`${prefix}.exclude[]`]:
    'a top-level record field name of lowercase letters, digits and underscores, e.g. "notes"',
  [`${prefix}.previous`]:
    'true or false; true stores a full copy of every record in DynamoDB so updates can carry the old values',
});

const HINTS: Record<string, string> = {
  '': 'a JSON object, e.g. {"accounts": [...], "userAgent": "Acme Sync (ops@acme.example)"}',
  accounts:
    'a non-empty list of accounts, e.g. [{"id": "main-clinic", "apiKeySecret": "cliniko/main-clinic"}]',
  'accounts[]': 'an object with "id", "apiKeySecret" and optionally "baseUrl" and "streams"',
  'accounts[].id':
    '1–63 lowercase letters, digits or hyphens, starting with a letter or digit, e.g. "main-clinic"; it appears in keys and metrics, so never use a person\'s name',
  'accounts[].apiKeySecret':
    'the name or ARN of the Secrets Manager secret holding the Cliniko API key (not the key itself), e.g. "cliniko/main-clinic" or "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/main-clinic-AbCdEf"; for a local `run --config` only, the key inline as {"apiKey": "…"}',
  'accounts[].apiKeySecret.apiKey':
    'the Cliniko API key itself, without spaces (a local `run --config` only; a deployment names a secret instead)',
  'accounts[].baseUrl':
    'an https URL without credentials, query or fragment, e.g. "https://api.au1.cliniko.com/v1" (plain http only for 127.0.0.1 or localhost); leave it out to derive the shard from the API key',
  'accounts[].streams': `a non-empty list of distinct entries: "core" (the eleven first streams, the default when left out), "all", or stream names from: ${STREAM_NAMES.join(', ')}`,
  'accounts[].streams[]': `"core", "all" or one of: ${STREAM_NAMES.join(', ')}`,
  userAgent:
    '"Name (email@domain)" so Cliniko can contact you, e.g. "Acme Clinic Sync (it@acme-clinic.example)"; Cliniko blocks clients without it',
  eventBus:
    '{"mode": "create"} (optionally with "name"), or import an existing bus with {"mode": "import", "name": "clinic-events"} or {"mode": "import", "arn": "arn:aws:events:ap-southeast-2:123456789012:event-bus/clinic-events"}; either may add "allowClasses", e.g. ["operational", "personal"]',
  'eventBus.mode': 'one of "create" or "import"',
  'eventBus.allowClasses':
    'a list of the data classes the bus may carry, with "operational" always in it, e.g. ["operational"] for a data warehouse or ["operational", "personal", "phi"] (the default); fields of the others are left out of its events',
  'eventBus.allowClasses[]': 'one of "operational", "personal" or "phi"',
  'eventBus.name': 'an event bus name of letters, digits, ".", "_" or "-", e.g. "clinic-events"',
  'eventBus.allowSubscribersFrom':
    'a list of distinct 12-digit AWS account ids that may create rules of their own on the created bus, e.g. ["222222222222"]',
  'eventBus.allowSubscribersFrom[]': 'a 12-digit AWS account id, e.g. "222222222222"',
  'eventBus.arn':
    'an event bus ARN, e.g. "arn:aws:events:ap-southeast-2:123456789012:event-bus/clinic-events"',
  source: 'letters, digits, ".", "_" or "-", not starting with "aws.", e.g. "cliniko" (the default)',
  payload: 'an object with optional "default" and "streams", e.g. {"default": {"mode": "full"}}',
  'payload.streams': `an object keyed by stream name (${STREAM_NAMES.join(', ')}) with per-stream overrides`,
  ...payloadHints('payload.default'),
  ...payloadHints('payload.streams.<stream>'),
  startFrom:
    'one of "now" (default: only changes from deployment on), "beginning" (snapshot events for existing records) or an ISO UTC instant such as "2026-01-31T00:00:00Z"',
  pollRateMinutes: 'a whole number of minutes from 1 to 1440, e.g. 1 (the default)',
  overlapSeconds:
    'a whole number of seconds from 1 to 86400, e.g. 60 (the default); each poll re-reads this much before the cursor to catch late commits',
  settleSeconds:
    'a whole number of seconds from 0 to 3600, e.g. 10 (the default); the cursor never passes server time minus this',
  deletedFeedIntervalSeconds:
    'a whole number of seconds from 0 to 86400, e.g. 300 (the default); how often the /deleted feeds are read',
  rateLimitPerMinute:
    'a whole number of requests per minute from 1 to 200 (Cliniko allows 200 per user), e.g. 200 (the default)',
  reconciliation:
    'an object, e.g. {"enabled": true, "intervalHours": 24, "requestShare": 0.25} (the default)',
  'reconciliation.enabled': 'true or false; reconciliation lists every id to catch hard deletes',
  'reconciliation.intervalHours': 'a whole number of hours from 1 to 744, e.g. 24 (the default)',
  'reconciliation.requestShare':
    "a number from 0.05 to 1, e.g. 0.25 (the default): the share of a poll interval's rate budget the id listings may use; a longer listing resumes in the next poll",
  alarms: 'an object, e.g. {"lagSeconds": 900, "email": "oncall@acme-clinic.example"}',
  'alarms.lagSeconds': 'a whole number of seconds from 60 to 86400, e.g. 900 (the default)',
  'alarms.rateLimited429PerHour': 'a whole number from 1 to 100000, e.g. 60 (the default)',
  'alarms.failedPollsPerHour': 'a whole number from 1 to 1000, e.g. 3 (the default)',
  'alarms.email': 'an email address that receives alarm notifications, e.g. "oncall@acme-clinic.example"',
  'alarms.snsTopicArn': 'an SNS topic ARN, e.g. "arn:aws:sns:ap-southeast-2:123456789012:clinic-alarms"',
  logRetentionDays: `one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention periods), e.g. 30 (the default)`,
  archiveRetentionDays: 'a whole number of days from 1 to 3650, e.g. 30 (the default)',
  maxEntryBytes:
    "a whole number of bytes from 1024 to 1048576 (EventBridge's 1 MB limit), e.g. 1048576 (the default); larger events are sent without data",
  polling:
    'an object with any of "mode", "budgetShare", "backoffFactor", "boostSeconds", "tiers", "streamTiers", e.g. {"mode": "adaptive"}',
  'polling.mode':
    '"fixed" (all streams once per pollRateMinutes) or "adaptive" (each stream as it falls due, hot ones every few seconds)',
  'polling.budgetShare':
    'a number from 0.05 to 1: the share of rateLimitPerMinute steady polling may use, e.g. 0.25',
  'polling.backoffFactor':
    "a number from 1.05 to 10: how much a quiet stream's interval grows per empty poll, e.g. 1.5",
  'polling.boostSeconds':
    'whole seconds from 0 to 3600 that related streams stay at their floor after a change, e.g. 120',
  'polling.tiers': 'an object with any of "hot", "warm", "cold", e.g. {"hot": {"floorSeconds": 5}}',
  'polling.tiers.<tier>':
    'an object with any of "floorSeconds", "ceilingSeconds", "lifecycleSeconds" (whole seconds, floor <= ceiling), e.g. {"ceilingSeconds": 20}',
  'polling.tiers.<tier>.floorSeconds':
    "whole seconds from 1 to 3600, at most the tier's ceilingSeconds: its interval while the stream changes, e.g. 5",
  'polling.tiers.<tier>.ceilingSeconds':
    "whole seconds from 1 to 86400, at least the tier's floorSeconds: the interval a quiet stream backs off to, e.g. 60",
  'polling.tiers.<tier>.lifecycleSeconds':
    'whole seconds from 1 to 86400: how often a poll of the tier includes the lifecycle passes, e.g. 120',
  'polling.streamTiers': 'an object from stream name to "hot", "warm" or "cold", e.g. {"invoices": "hot"}',
  'polling.streamTiers.<stream>': 'one of "hot", "warm" or "cold"',
  fleet: 'an object with "workerConcurrency" and "accountsPerInvocation", e.g. {"workerConcurrency": 10}',
  'fleet.workerConcurrency':
    'a whole number from 2 to 1000: poller invocations at once, whatever the number of accounts (e.g. 10 for up to about 500 accounts polled every minute)',
  'fleet.reservedConcurrency':
    'a whole number from 1 to 1000, or "none" where the account\'s Lambda quota cannot reserve any, e.g. 10',
  stage:
    'a name of 1–40 letters, digits or hyphens starting with a letter, e.g. "production"; the stack is ClinikoChangeBridge-<stage>',
  'fleet.accountsPerInvocation':
    'a whole number from 1 to 10: accounts one poller invocation polls side by side',
};

/** The field paths with a hint, as written in the table (a test ties them to the schema). */
export const HINTED_PATHS: readonly string[] = Object.keys(HINTS);

/** `['accounts', 1, 'apiKeySecret']` → `accounts[1].apiKeySecret`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The keys written `<stream>` or `<tier>` in the table: the third segment under these two. */
const KEYED: Readonly<Record<string, string>> = {
  'payload.streams': '<stream>',
  'polling.streamTiers': '<stream>',
  'polling.tiers': '<tier>',
};

/** The table's key for a field path: `['payload', 'streams', 'patients', 'mode']` → `payload.streams.<stream>.mode`. */
export function hintKeyOf(path: readonly PropertyKey[]): string {
  const normalized = path.map((segment, index) =>
    typeof segment === 'number'
      ? '[]'
      : index === 2
        ? (KEYED[`${String(path[0])}.${String(path[1])}`] ?? String(segment))
        : String(segment),
  );
  return normalized.reduce<string>(
    (out, segment) => (segment === '[]' ? `${out}[]` : out === '' ? segment : `${out}.${segment}`),
    '',
  );
}

/** What to write instead, for a field path (`use …`), or `undefined` when the path is not a known field. */
export function hintFor(path: readonly PropertyKey[]): string | undefined {
  const hint = HINTS[hintKeyOf(path)];
  return hint === undefined ? undefined : `use ${hint}`;
}
