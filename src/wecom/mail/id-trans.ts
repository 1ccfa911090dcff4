/**
 * compose_send's id translation (`enable_id_trans: 1`, doc 44633 "id转译模版语法"): `$userName=USERID$`,
 * `$userAlias=USERID$`, `$userAliasOrName=USERID$` and `$departmentName=DEPARTMENT_ID$` become the name,
 * alias, alias-or-name, or department name from the directory. A template with an unknown id, a
 * non-numeric department id, or `userAlias` of a user without an alias is left as written.
 */
import type { WecomCorp } from '../directory.ts'

const TEMPLATE = /\$(userName|userAlias|userAliasOrName|departmentName)=([^$]+)\$/g

export function translateIds(text: string, corp: WecomCorp): string {
  if (!text.includes('$')) return text
  return text.replace(TEMPLATE, (whole, kind: string, id: string) => {
    if (kind === 'departmentName') {
      if (!/^\d+$/.test(id)) return whole
      return corp.departments.get(Number(id))?.name ?? whole
    }
    const user = corp.users.get(id)
    if (!user) return whole
    if (kind === 'userName') return user.name
    if (kind === 'userAlias') return user.alias ?? whole
    return user.alias ?? user.name
  })
}
