export type KeywordIntent = 'stop' | 'start' | 'help';

const KEYWORDS: Record<string, KeywordIntent> = Object.fromEntries([
  ...['STOP', 'STOPP', 'STOPALL', 'ABMELDEN', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'].map(
    (k) => [k, 'stop'] as const,
  ),
  ...['START', 'JA', 'YES', 'UNSTOP'].map((k) => [k, 'start'] as const),
  ...['HELP', 'HILFE'].map((k) => [k, 'help'] as const),
]);

/** What an inbound SMS asks for: the whole message, case and spaces ignored ("Stop all" is STOPALL). */
export function keywordIntent(body: string): KeywordIntent | null {
  const word = body
    .normalize('NFKC')
    .replace(/[\s.!]+/g, '')
    .toUpperCase();
  return KEYWORDS[word] ?? null;
}
