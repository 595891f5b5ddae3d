/**
 * Numbers the (source, generation) pairs of a batch in order of first sight, so a batch that
 * crosses a thread or the network names each pair once and its events by index.
 */

export interface SourceKeys {
  sources: string[];
  generations: string[];
  /** The pair's index, numbering it when new. */
  keyOf(source: string, generation: string): number;
}

/** An empty numbering. Runs of one pair (a batch is usually one file) cost one comparison. */
export function sourceKeys(): SourceKeys {
  const sources: string[] = [];
  const generations: string[] = [];
  let lastSource: string | null = null;
  let lastGeneration: string | null = null;
  let last = -1;
  return {
    sources,
    generations,
    keyOf(source, generation) {
      if (source === lastSource && generation === lastGeneration) return last;
      let key = -1;
      for (let k = 0; k < sources.length; k++) {
        if (sources[k] === source && generations[k] === generation) key = k;
      }
      if (key < 0) {
        key = sources.length;
        sources.push(source);
        generations.push(generation);
      }
      lastSource = source;
      lastGeneration = generation;
      last = key;
      return key;
    },
  };
}

/**
 * Makes results resolve in the order their work was submitted, each after the one before it,
 * whatever order the work finishes in (batches answered by several workers).
 */
export function inSubmissionOrder(): <T>(work: Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: Promise<T>): Promise<T> => {
    // Handled here so a failure waiting behind an earlier batch is not reported as unhandled.
    work.catch(() => {});
    const result = tail.then(
      () => work,
      () => work,
    );
    tail = result.catch(() => {});
    return result;
  };
}
