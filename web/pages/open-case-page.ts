/**
 * «Åpne sak»: a person opens a case by hand for one of the pupils they follow (a contact
 * teacher's concern; procedure B starts this way), with the reason the procedure opens on and the
 * dates it rests on. The case then runs exactly as one detection opened.
 */
import type { SchoolDirectory } from '../../detection/school-directory';
import { triggerRuleNames } from '../../machines/labels';
import type { TriggerRule } from '../../machines/vocabulary';
import type { DirectoryPupil } from '../directory-lookup';
import { type HtmlValue, type SafeHtml, html } from '../html';
import { messageBox } from './layout';

export interface OpenCaseForm {
  csrfToken: string;
  pupils: readonly DirectoryPupil[];
  schools: SchoolDirectory;
  /** The rules the procedures of the person's schools open on. */
  rules: readonly TriggerRule[];
  values?: { elev?: string; grunn?: string; datoer?: string };
  error?: HtmlValue;
}

export function openCasePage(form: OpenCaseForm): SafeHtml {
  const bySchool = new Map<string, DirectoryPupil[]>();
  for (const p of form.pupils) bySchool.set(p.schoolId, [...(bySchool.get(p.schoolId) ?? []), p]);
  const v = form.values ?? {};
  return html`<h1>Åpne sak</h1>
    <p>
      Åpne en sak når du er bekymret for en elevs fravær før fraværsdeteksjonen har gjort det. Saken følger skolens rutine fra første steg.
    </p>
    ${form.error && messageBox('error', html`<strong>Saken ble ikke åpnet.</strong> ${form.error}`)}
    ${
      form.pupils.length === 0
        ? html`<p>Du har ingen elever i personkatalogen som du kan åpne sak for.</p>`
        : html`<form method="post" action="/saker/ny" class="open-case" novalidate>
            <input type="hidden" name="_csrf" value="${form.csrfToken}" />
            <div class="form-field">
              <label for="elev">Elev</label>
              <select id="elev" name="elev" required aria-required="true">
                <option value="">Velg elev</option>
                ${[...bySchool].map(
                  ([schoolId, pupils]) =>
                    html`<optgroup label="${form.schools.get(schoolId)?.name ?? schoolId}">
                      ${pupils.map((p) => {
                        const value = `${p.schoolId}/${p.pupilId}`;
                        return html`<option value="${value}" ${v.elev === value ? html` selected` : ''}>
                          ${p.name} (${p.grade}. trinn)
                        </option>`;
                      })}
                    </optgroup>`,
                )}
              </select>
            </div>
            <div class="form-field">
              <label for="grunn">Grunn</label>
              <select id="grunn" name="grunn" required aria-required="true">
                ${form.rules.map((r) => html`<option value="${r}" ${(v.grunn ?? 'staff-concern') === r ? html` selected` : ''}>${triggerRuleNames[r]}</option>`)}
              </select>
            </div>
            <div class="form-field">
              <label for="datoer">Datoer fraværet eller bekymringen gjelder</label>
              <p class="form-hint" id="datoer-hint">Én eller flere datoer, f.eks. 02.12.2026, skilt med komma eller linjeskift.</p>
              <textarea id="datoer" name="datoer" rows="3" required aria-required="true" aria-describedby="datoer-hint">
${v.datoer ?? ''}</textarea>
            </div>
            <button type="submit">Åpne saken</button>
          </form>`
    }`;
}
