/**
 * An independent draft-04 JSON Schema validator (Ajv with its draft-04 dialect and the standard
 * formats) for checking the generated schemas against what zod accepts. Strict mode: a schema that
 * is not valid draft-04, or uses a keyword Ajv does not know, fails to compile.
 */
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

// Both are CommonJS packages whose class / plugin is their `default` export.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

export type Draft04Check = (value: unknown) => boolean;

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);

/** Compiles `schema` (throwing when it is not valid draft-04) into a yes/no check. */
export function draft04Validator(schema: object): Draft04Check {
  const validate = ajv.compile(schema);
  return (value) => validate(value) === true;
}
