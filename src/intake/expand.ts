import type { CompiledCompany } from './company.js';

/** One URL per template, every `<ID>` replaced by the ID as the user typed it. */
export function expandAssetId(id: string, co: CompiledCompany): string[] {
  // split/join rather than replace(): no `$&`-style patterns can sneak in.
  return co.templates.map((template) => template.split('<ID>').join(id));
}

/** `value` as typed (maybe `Root/ID`), `id` the asset ID in it. */
export function noTemplatesReason(value: string, id: string, co: CompiledCompany): string {
  const host = co.exampleHost ?? '…';
  return (
    `\`${value}\` is an asset ID, but ${co.name} has no URL templates configured: paste full URLs ` +
    `(e.g. https://${host}/is/image/${co.rootId}/${id}) or ask an admin to add \`templates\` for ` +
    `${co.name} in purge.config.yml`
  );
}
