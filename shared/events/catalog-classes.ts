/**
 * The "Patient-data classes" section of the event catalog: the class of every stream and of its
 * non-operational fields, straight from `data-classes.ts`, and an example of a withheld event built
 * by the same code the destinations' gates run.
 */
import {
  DATA_CLASSES,
  defaultPayloadModeFor,
  STREAM_DATA_CLASSES,
  UNKNOWN_FIELD_CLASS,
} from '../data-classes.js';
import { STREAMS } from '../streams.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from './build.js';
import { examplePatientUpdate } from './catalog-examples.js';
import { withholdFields } from './withhold.js';

const json = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
const names = (fields: readonly string[]) =>
  fields.length === 0
    ? '—'
    : [...fields]
        .sort()
        .map((field) => `\`${field}\``)
        .join(', ');

function classTable(): string {
  const rows = STREAMS.map((stream) => {
    const entry = STREAM_DATA_CLASSES[stream.name];
    if (entry === undefined) throw new Error(`stream ${stream.name} has no data classes`);
    return `| \`${stream.name}\` | \`${entry.stream}\` | \`${defaultPayloadModeFor(stream.name)}\` | ${names(entry.fields.personal)} | ${names(entry.fields.phi)} |`;
  });
  return [
    '| stream | class | default mode | `personal` fields | `phi` fields |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function withheldExample(): string {
  const input = examplePatientUpdate();
  const previous = {
    email: 'avery@example.com',
    patient_phone_numbers: [{ number: '0400 000 000', phone_type: 'Mobile' }],
  };
  const event = buildEvent({ ...input, previous }, { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' });
  return json(withholdFields(event, new Set(['operational'])).detail);
}

/** The section, in Markdown. */
export function dataClassesSection(): string {
  const counts = DATA_CLASSES.map(
    (dataClass) =>
      `${STREAMS.filter((s) => STREAM_DATA_CLASSES[s.name]?.stream === dataClass).length} \`${dataClass}\``,
  ).join(', ');
  return `## Patient-data classes

Every field of every stream has a class, and so has every stream (${counts}):

- \`phi\`: clinical or health information: notes, forms, alerts, attachments' names, case and
  document titles, cancellation reasons, health-insurance numbers, and free text on a patient's
  record or on a record of their care.
- \`personal\`: identifies or describes a person: names, contact details, dates of birth,
  addresses, consents and preferences, IP addresses, free text about a person who is not a patient.
- \`operational\`: everything else: ids, timestamps, amounts, codes, settings, catalogue names and
  links to other records (ids only). A link that opens a person's data without a login (telehealth
  room, form, payment or cancellation page) has the class of what it opens.

A stream's class is the most protective class of its fields. It decides the stream's default
payload mode: \`changes\` for \`personal\` and \`phi\` streams, \`full\` for \`operational\` ones
(a mode the configuration states, for all streams or one, always wins). A field that is not listed
(one Cliniko added since) is treated as \`${UNKNOWN_FIELD_CLASS}\` in every stream until it is classified.
\`id\` and every field not named below are \`operational\`.

${classTable()}

### Withheld fields

Each destination takes the classes it is allowed (\`eventBus.allowClasses\` in the configuration,
\`run --allow-classes\` per sink; default: all three). Fields of the other classes are left out of
\`data\` and \`changes.previous\`, and their names out of \`changes.fields\` (a name such as
\`gender_identity\` in a list of changed fields says something about a person); the event then
carries \`withheld\`: the classes left out and how many changed fields were not named. The event
id, type, record id and times stay the same for every destination. The \`patient.updated\` example
in mode \`changes\`, with snapshots stored, as a destination taking only \`operational\` receives it:

${withheldExample()}`;
}
