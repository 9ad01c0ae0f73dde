import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allBefore, ancestorsOf, buildGraph, descendantsOf, earliestStart, reaches } from './graph.js';
import type { Step } from './types.js';

function mk(id: string, after: string[] = [], host = 'h'): Step {
  return {
    id,
    phase: 'p',
    host,
    action: { kind: 'gate', prompt: '' },
    after,
    estimate_s: 1,
    opens: [],
    closes: [],
  };
}

/** A random DAG on n nodes: edges only from a lower to a higher index. */
const dagArb = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    // Ordered pairs mapped to (low, high) so no generated edge is thrown away.
    edges: fc
      .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 })
      .map((es) =>
        es.filter(([a, b]) => a !== b).map(([a, b]): [number, number] => (a < b ? [a, b] : [b, a])),
      ),
    hosts: fc.array(fc.nat(3), { minLength: n, maxLength: n }),
    // Shuffle step indexes so the graph's own order differs from the construction order.
    perm: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
  }),
);

interface Dag {
  n: number;
  edges: Array<[number, number]>;
  hosts: number[];
  perm: number[];
}

function stepsOf(d: Dag): Step[] {
  // Node k becomes the step at index perm[k].
  const steps: Step[] = new Array(d.n);
  for (let k = 0; k < d.n; k++) {
    const after = d.edges.filter(([, b]) => b === k).map(([a]) => `s${a}`);
    steps[d.perm[k]!] = mk(`s${k}`, after, `h${d.hosts[k]}`);
  }
  return steps;
}

function closure(d: Dag): boolean[][] {
  const r = Array.from({ length: d.n }, () => new Array<boolean>(d.n).fill(false));
  for (const [a, b] of d.edges) r[a]![b] = true;
  for (let k = 0; k < d.n; k++)
    for (let i = 0; i < d.n; i++) if (r[i]![k]) for (let j = 0; j < d.n; j++) if (r[k]![j]) r[i]![j] = true;
  return r;
}

describe('buildGraph', () => {
  it('orders steps topologically, ties broken by step index', () => {
    const { graph, problems } = buildGraph({ steps: [mk('c', ['b']), mk('a'), mk('b', ['a']), mk('d')] });
    expect(problems).toEqual([]);
    expect([...graph.order].map((i) => graph.steps[i]!.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(graph.pos[graph.index.get('c')!]).toBe(2);
  });

  it('reports duplicate ids and unknown dependencies', () => {
    const { problems } = buildGraph({ steps: [mk('a'), mk('a'), mk('b', ['zzz'])] });
    expect(problems.map((p) => [p.kind, p.steps])).toEqual([
      ['duplicate-id', ['a']],
      ['unknown-after', ['b']],
    ]);
  });

  it('names the steps of a cycle in execution order', () => {
    const { graph, problems } = buildGraph({
      steps: [mk('start'), mk('x', ['start', 'z']), mk('y', ['x']), mk('z', ['y']), mk('tail', ['z'])],
    });
    expect(graph.acyclic).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.kind).toBe('cycle');
    const cyc = problems[0]!.steps;
    expect([...cyc].sort()).toEqual(['x', 'y', 'z']);
    // Consecutive steps on the cycle are edges: each runs after the one before it.
    const after = new Map([
      ['x', 'z'],
      ['y', 'x'],
      ['z', 'y'],
    ]);
    for (let i = 0; i < cyc.length; i++) expect(after.get(cyc[(i + 1) % cyc.length]!)).toBe(cyc[i]);
  });

  it('detects a self-loop', () => {
    const { problems } = buildGraph({ steps: [mk('a', ['a'])] });
    expect(problems.map((p) => [p.kind, p.steps])).toEqual([['cycle', ['a']]]);
  });

  it('computes earliest starts along the longest path', () => {
    const { graph } = buildGraph({ steps: [mk('a'), mk('b', ['a']), mk('c', ['a']), mk('d', ['b', 'c'])] });
    expect([...earliestStart(graph, [5, 1, 10, 1])]).toEqual([0, 5, 5, 15]);
  });
});

describe('graph properties (random DAGs)', () => {
  it('topological order respects every edge', () => {
    fc.assert(
      fc.property(dagArb, (d) => {
        const { graph, problems } = buildGraph({ steps: stepsOf(d) });
        expect(problems).toEqual([]);
        for (const [a, b] of d.edges) expect(graph.pos[d.perm[a]!]!).toBeLessThan(graph.pos[d.perm[b]!]!);
        expect([...graph.order].sort((x, y) => x - y)).toEqual([...Array(d.n).keys()]);
      }),
    );
  });

  it('reaches, descendantsOf and ancestorsOf agree with the transitive closure', () => {
    fc.assert(
      fc.property(dagArb, (d) => {
        const { graph } = buildGraph({ steps: stepsOf(d) });
        const r = closure(d);
        for (let a = 0; a < d.n; a++) {
          const desc = descendantsOf(graph, d.perm[a]!);
          const anc = ancestorsOf(graph, d.perm[a]!);
          for (let b = 0; b < d.n; b++) {
            expect(reaches(graph, d.perm[a]!, d.perm[b]!)).toBe(r[a]![b]);
            expect(desc[d.perm[b]!] === 1).toBe(r[a]![b]);
            expect(anc[d.perm[b]!] === 1).toBe(r[b]![a]);
          }
        }
      }),
    );
  });

  it('a back edge along a path makes a cycle, and the named steps form one', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), (d, pick) => {
        const r = closure(d);
        const reachable =
          d.edges.length === 0
            ? []
            : [...Array(d.n).keys()].flatMap((a) =>
                [...Array(d.n).keys()].filter((b) => r[a]![b]).map((b) => [a, b] as const),
              );
        fc.pre(reachable.length > 0);
        const [a, b] = reachable[pick % reachable.length]!;
        const steps = stepsOf(d);
        const sa = steps[d.perm[a]!]!;
        steps[d.perm[a]!] = { ...sa, after: [...sa.after, `s${b}`] };
        const { graph, problems } = buildGraph({ steps });
        expect(graph.acyclic).toBe(false);
        const cyc = problems.find((p) => p.kind === 'cycle')!.steps;
        for (let i = 0; i < cyc.length; i++) {
          const next = steps.find((s) => s.id === cyc[(i + 1) % cyc.length])!;
          expect(next.after).toContain(cyc[i]);
        }
      }),
    );
  });

  it('allBefore finds a violation exactly when the naive pairwise check does', () => {
    const arb = dagArb.chain((d) =>
      fc.record({
        d: fc.constant(d),
        xs: fc.array(fc.nat(d.n - 1), { maxLength: 6 }),
        ys: fc.array(fc.nat(d.n - 1), { maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ d, xs, ys }) => {
        const { graph } = buildGraph({ steps: stepsOf(d) });
        const r = closure(d);
        const naive = xs.flatMap((x) => ys.filter((y) => !r[x]![y]).map((y) => [x, y] as const));
        const inv = new Map(d.perm.map((idx, k) => [idx, k]));
        const got = allBefore(
          graph,
          xs.map((x) => d.perm[x]!),
          ys.map((y) => d.perm[y]!),
          1000,
        ).map(([x, y]) => [inv.get(x)!, inv.get(y)!] as const);
        expect(got.length > 0).toBe(naive.length > 0);
        // Every reported pair is a real violation.
        for (const [x, y] of got) expect(r[x]![y]).toBe(false);
        expect(
          allBefore(
            graph,
            xs.map((x) => d.perm[x]!),
            ys.map((y) => d.perm[y]!),
            1,
          ).length,
        ).toBe(naive.length > 0 ? 1 : 0);
      }),
    );
  });
});

describe('allBefore', () => {
  it('treats x === y as a violation', () => {
    const { graph } = buildGraph({ steps: [mk('a'), mk('b', ['a'])] });
    expect(allBefore(graph, [0], [0, 1], 10)).toEqual([[0, 0]]);
  });

  it('reports pairs against minimal ys', () => {
    // x is before y1 but not before y0; y1 depends on y0, so (x, y0) is what is reported.
    const { graph } = buildGraph({ steps: [mk('x'), mk('y0'), mk('y1', ['x', 'y0'])] });
    expect(allBefore(graph, [0], [1, 2], 10)).toEqual([[0, 1]]);
  });
});
