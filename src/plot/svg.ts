// A tiny SVG string builder: elements as text, so plots render in Node and in the browser alike
// (no DOM). Hand-written: escaping and attribute joining is all the plots need, less than any
// virtual-DOM library would bring.

/** Text safe inside an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export type Attributes = Record<string, string | number | undefined>

/** Coordinates to 2 decimals: enough on screen, and the file stays small. */
export const fmt = (v: number): string => String(Math.round(v * 100) / 100)

function attributes(attrs: Attributes): string {
  let s = ''
  for (const [key, value] of Object.entries(attrs))
    if (value !== undefined)
      s += ` ${key}="${typeof value === 'number' ? fmt(value) : escapeXml(value)}"`
  return s
}

/** `<name attrs>children</name>`, or `<name attrs/>` without children; children are SVG text. */
export function element(name: string, attrs: Attributes, ...children: string[]): string {
  const open = `<${name}${attributes(attrs)}`
  return children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</${name}>`
}

/** A `<text>` element with escaped content. */
export function text(attrs: Attributes, content: string): string {
  return element('text', attrs, escapeXml(content))
}

/** The `points` attribute of a polygon or polyline. */
export function points(xy: readonly number[]): string {
  let s = ''
  for (let i = 0; i < xy.length; i += 2) s += `${i ? ' ' : ''}${fmt(xy[i]!)},${fmt(xy[i + 1]!)}`
  return s
}
