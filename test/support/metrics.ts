/** One sample of Prometheus' text format: `name{label="value",…} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GETs a metrics URL and parses its samples (comments and blank lines skipped); fails on a status other than 200. */
export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return parseSamples(await response.text());
}

export function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const [, name = '', labelText = '', value = ''] = match;
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key = '', text = '']) => [key, text]),
      );
      return { name, labels, value: Number(value) };
    });
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** `after - before` per label set of `name` (label sets as `key=value,…`), leaving out those that did not change. */
export function increase(before: readonly Sample[], after: readonly Sample[], name: string): Map<string, number> {
  const key = (sample: Sample) =>
    Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, value]) => `${label}=${value}`)
      .join(',');
  const earlier = new Map(before.filter((sample) => sample.name === name).map((sample) => [key(sample), sample.value]));
  const changes = new Map<string, number>();
  for (const sample of after.filter((candidate) => candidate.name === name)) {
    const change = sample.value - (earlier.get(key(sample)) ?? 0);
    if (change !== 0) changes.set(key(sample), change);
  }
  return changes;
}
