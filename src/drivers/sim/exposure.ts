// Errors are counted, never silently ignored. While an incompatible pair runs (a client whose messages a
// server rejects, a neutron-server notifying a Nova API that lacks the events API), background traffic
// fails: the twin assumes one message a minute per pair, so a pair exposed for t seconds counts
// ceil(t / 60) errors. Steps that use a broken path directly fail and add one error each.

/** One message per pair per minute of background traffic (documented default). */
export const MESSAGE_INTERVAL_MS = 60_000;
export const MAX_SAMPLES = 20;

export class Exposure {
  private readonly open = new Map<string, { since: number; a: string; b: string }>();
  private readonly byParty = new Map<string, Set<string>>();
  private closedErrors = 0;
  readonly samples: string[] = [];

  isOpen(pair: string): boolean {
    return this.open.has(pair);
  }

  get openPairs(): number {
    return this.open.size;
  }

  /** `a` and `b` are the two parties (service keys); closing either closes the pair. */
  start(pair: string, a: string, b: string, at: number, message: string): void {
    if (this.open.has(pair)) return;
    this.open.set(pair, { since: at, a, b });
    this.index(a, pair);
    this.index(b, pair);
    this.sample(message);
  }

  stop(pair: string, at: number): void {
    const p = this.open.get(pair);
    if (p === undefined) return;
    this.open.delete(pair);
    this.byParty.get(p.a)?.delete(pair);
    this.byParty.get(p.b)?.delete(pair);
    this.closedErrors += Math.ceil((at - p.since) / MESSAGE_INTERVAL_MS);
  }

  /** Closes every open pair of a party (the service stopped). */
  stopParty(party: string, at: number): void {
    const pairs = this.byParty.get(party);
    if (pairs === undefined) return;
    for (const pair of [...pairs]) this.stop(pair, at);
    this.byParty.delete(party);
  }

  /** Pairs a party is in, for re-evaluation. */
  pairsOf(party: string): readonly string[] {
    return [...(this.byParty.get(party) ?? [])];
  }

  /** A step that used a broken path and failed. */
  count(n: number, message?: string): void {
    this.closedErrors += n;
    if (message !== undefined) this.sample(message);
  }

  total(now: number): number {
    let sum = this.closedErrors;
    for (const p of this.open.values()) sum += Math.ceil((now - p.since) / MESSAGE_INTERVAL_MS);
    return sum;
  }

  private index(party: string, pair: string): void {
    let set = this.byParty.get(party);
    if (set === undefined) {
      set = new Set();
      this.byParty.set(party, set);
    }
    set.add(pair);
  }

  private sample(message: string): void {
    if (this.samples.length < MAX_SAMPLES && !this.samples.includes(message)) this.samples.push(message);
  }
}
