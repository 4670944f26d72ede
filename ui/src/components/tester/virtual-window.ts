// Which lines of a long body are on screen, for a scroll container with a fixed line height.
// Past a few million pixels browsers stop honouring element heights, so a body taller than
// MAX_SPACER_PX gets a shorter spacer and scroll positions are scaled onto line numbers; the
// rendered lines then follow the viewport instead of sitting at their natural offset.

export const MAX_SPACER_PX = 8_000_000;

export interface WindowGeometry {
  total: number;
  lineHeight: number;
  viewportHeight: number;
  maxSpacer?: number;
}

export interface VisibleLines {
  /** First line (at least partly) on screen. */
  first: number;
  /** Lines that fit on screen, plus one for the partly shown line. */
  count: number;
  /** Where line `first` is drawn, in spacer pixels. */
  top: number;
  spacerHeight: number;
}

function sizes({ total, lineHeight, viewportHeight, maxSpacer = MAX_SPACER_PX }: WindowGeometry) {
  const content = total * lineHeight;
  const spacer = Math.min(content, maxSpacer);
  return {
    content,
    spacer,
    contentScroll: Math.max(0, content - viewportHeight),
    spacerScroll: Math.max(0, spacer - viewportHeight),
  };
}

/** The lines on screen at `scrollTop`. */
export function visibleLines(geometry: WindowGeometry, scrollTop: number): VisibleLines {
  const { total, lineHeight, viewportHeight } = geometry;
  const s = sizes(geometry);
  const clamped = Math.min(Math.max(0, scrollTop), s.spacerScroll);
  const offset =
    s.spacer === s.content || s.spacerScroll === 0
      ? clamped
      : (clamped / s.spacerScroll) * s.contentScroll;
  const first = Math.min(Math.floor(offset / lineHeight), Math.max(0, total - 1));
  const count = Math.min(Math.ceil(viewportHeight / lineHeight) + 1, total - first);
  return { first, count: Math.max(0, count), top: clamped - (offset - first * lineHeight), spacerHeight: s.spacer };
}

/** The scrollTop that shows `line` a third of the way down the viewport. */
export function scrollTopFor(geometry: WindowGeometry, line: number): number {
  const s = sizes(geometry);
  const offset = Math.min(
    Math.max(0, line * geometry.lineHeight - geometry.viewportHeight / 3),
    s.contentScroll,
  );
  if (s.spacer === s.content || s.contentScroll === 0) return offset;
  return (offset / s.contentScroll) * s.spacerScroll;
}
