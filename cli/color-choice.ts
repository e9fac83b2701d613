/**
 * Whether to colour what goes to a stream. NO_COLOR (https://no-color.org) of any non-empty value turns
 * colour off, whatever else is set: the person asked for none. Otherwise FORCE_COLOR of a non-empty
 * value turns it on even on a pipe (`0` or `false` turn it off), and without either, colour is on for
 * a terminal (not `TERM=dumb`) and off for pipes and files. Every coloured output of the CLI asks here.
 */
export function colorWanted(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if ((env.NO_COLOR ?? '') !== '') return false;
  const force = (env.FORCE_COLOR ?? '').trim().toLowerCase();
  if (force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}
