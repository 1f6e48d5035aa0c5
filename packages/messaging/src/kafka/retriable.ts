/**
 * ### Try a Kafka admin call again while kafkajs says the error is retriable.
 *
 * kafkajs marks the errors a broker expects to go away on their own as `retriable`: a
 * coordinator that has not loaded a group yet, a topic whose partitions have no leader yet
 * ("This server does not host this topic-partition" right after another process created
 * it). Some admin calls (`fetchOffsets`, `fetchTopicMetadata`, `describeConfigs`) do not
 * retry those themselves. Anything else fails at once; so does the last attempt, with
 * the broker's own error. Waits grow linearly: 100 ms, 200 ms, …
 */
export async function retryingRetriable<T>(
  operation: () => Promise<T>,
  attempts = 3,
  baseDelayMs = 100,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, baseDelayMs * attempt));
    }
  }
}
