// Upstream version strings (2013.2.2, 2014.1) compared numerically, part by part: "2013.2.10" is newer
// than "2013.2.2", and a missing part counts as 0 ("2013.2" equals "2013.2.0").

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
