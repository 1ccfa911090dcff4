/**
 * How the meeting docs count text. 创建预约会议 (doc 99104) limits `title` to "最多支持40个字节或者20个utf8字符" and
 * 修改预约会议 (doc 98154) limits `location` to "最长支持18个汉字或36个英文字母". Both pairs say the same thing: a
 * Latin letter weighs one unit and a Chinese character two. Counting raw UTF-8 bytes would allow only 13 CJK
 * characters (3 bytes each), contradicting "20 utf8 characters"; counting characters would allow 40 CJK
 * characters, contradicting "40 bytes". The width below satisfies both halves of each sentence exactly.
 */

/**
 * The documented width: 1 per ASCII code point, 2 per any other code point (CJK, accented letters, emoji
 * alike). `title` on create must be at most 40, `location` on update at most 36.
 */
export function docWidth(text: string): number {
  let width = 0
  for (const ch of text) width += ch.codePointAt(0)! < 0x80 ? 1 : 2
  return width
}

/** Plain characters (Unicode code points), for limits the docs give in 字符 only. */
export function charCount(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** UTF-8 bytes, for limits the docs give in 字节 only (cal_id: 不多于64字节). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}
