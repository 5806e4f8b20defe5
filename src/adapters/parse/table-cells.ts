/** Joins table cells with ' | ' after dropping trailing empty cells; inner whitespace is collapsed. */
export function joinCells(cells: readonly string[]): string {
  const cleaned = cells.map((cell) => cell.replace(/\s+/g, ' ').trim());
  let end = cleaned.length;
  while (end > 0 && cleaned[end - 1] === '') end--;
  return cleaned.slice(0, end).join(' | ');
}
