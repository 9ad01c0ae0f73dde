// The message inside an OpenStack error body, for error messages that say what the service said.
// Shapes: Nova and Cinder `{"badRequest": {"message": "…", "code": 400}}` (the key names the fault),
// Keystone `{"error": {"message": "…", "code": 401, "title": "Unauthorized"}}`, Neutron Icehouse
// `{"NeutronError": {"message": "…", "type": "…", "detail": ""}}` and Havana `{"NeutronError": "…"}`.

import { z } from 'zod';

const Fault = z.union([z.string(), z.object({ message: z.string() }).loose()]);
const FaultBody = z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 1);

export function serviceMessage(body: unknown): string | undefined {
  const outer = FaultBody.safeParse(body);
  if (!outer.success) return undefined;
  const inner = Fault.safeParse(Object.values(outer.data)[0]);
  if (!inner.success) return undefined;
  const text = typeof inner.data === 'string' ? inner.data : inner.data.message;
  return oneLine(text, 300);
}

/** The end of a body (where proxies and tracebacks put the point), on one line, at most `max` chars. */
export function bodyTail(text: string, max = 200): string {
  const flat = oneLine(text, Number.POSITIVE_INFINITY);
  return flat.length <= max ? flat : `…${flat.slice(flat.length - max)}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}
