/** Panel slug: kebab-case of the title ("Price" → "price", "Backtest & Risk" → "backtest-risk"). */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
