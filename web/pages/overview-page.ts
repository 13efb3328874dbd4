/**
 * «Oversikt»: per municipality, a table of each school's open cases per stage, cases overdue now
 * and cases closed this term with the municipality's total as the last row; then for the total
 * and each school the cases opened per month as a bar chart with the same numbers in a table.
 * The school filter is a plain GET form.
 */
import { stageNames } from '../../machines/labels';
import { OPEN_STAGES, type Overview, type OverviewCounts } from '../case-overview';
import { type SafeHtml, html } from '../html';
import { barChart } from './bar-chart';
import { dayText } from './format';

const MONTH_NAMES = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];
const MONTH_SHORT = ['jan.', 'feb.', 'mars', 'apr.', 'mai', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.', 'des.'];

/** «januar 2026» for 2026-01. */
export function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** «jan. 26» for 2026-01: short enough to stand under a bar. */
export function monthShort(month: string): string {
  return `${MONTH_SHORT[Number(month.slice(5, 7)) - 1]} ${month.slice(2, 4)}`;
}

/** One municipality's part of the page. */
export interface MunicipalityOverview {
  municipalityName: string;
  overview: Overview;
}

export interface OverviewPageArgs {
  municipalities: readonly MunicipalityOverview[];
  /** The schools the person may choose between, with names. */
  schoolChoices: readonly { schoolId: string; name: string }[];
  selectedSchool?: string;
  schoolName(schoolId: string): string;
  /** Whether the person sees only some pupils' cases (a contact teacher): said on the page. */
  ownPupilsOnly: boolean;
}

/** A short stable id for the chart of a school or a total (ids may not contain spaces). */
const chartId = (key: string) => `diagram-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function filterForm(args: OverviewPageArgs): SafeHtml {
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${(args.selectedSchool ?? '') === value ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/oversikt">
    <div>
      <label for="o-skole">Skole</label>
      <select id="o-skole" name="skole">
        ${option('', 'Alle')}${args.schoolChoices.map((s) => option(s.schoolId, s.name))}
      </select>
    </div>
    <div><button type="submit">Vis oversikt</button></div>
  </form>`;
}

function countCells(counts: OverviewCounts, header: SafeHtml): SafeHtml {
  return html`<tr>
    ${header}${OPEN_STAGES.map((s) => html`<td>${counts.openByStage[s]}</td>`)}
    <td>${counts.open}</td>
    <td>${counts.overdue}</td>
    <td>${counts.closedThisTerm}</td>
  </tr>`;
}

function countsTable(m: MunicipalityOverview, args: OverviewPageArgs): SafeHtml {
  const { overview } = m;
  return html`<table class="overview">
    <caption>
      Saker per skole i ${m.municipalityName}: åpne saker per fase, passert frist nå og avsluttet ${overview.term.name}
    </caption>
    <thead>
      <tr>
        <th scope="col">Skole</th>
        ${OPEN_STAGES.map((s) => html`<th scope="col">${stageNames[s]}</th>`)}
        <th scope="col">Åpne i alt</th>
        <th scope="col">Passert frist nå</th>
        <th scope="col">Avsluttet ${overview.term.name}</th>
      </tr>
    </thead>
    <tbody>
      ${overview.schools.map((s) => countCells(s.counts, html`<th scope="row">${args.schoolName(s.schoolId)}</th>`))}
    </tbody>
    ${
      overview.schools.length > 1 &&
      html`<tfoot>
        ${countCells(overview.total, html`<th scope="row">Totalt for kommunen</th>`)}
      </tfoot>`
    }
  </table>`;
}

function openedChart(key: string, name: string, overview: Overview, counts: OverviewCounts): SafeHtml {
  const bars = overview.months.map((month, i) => ({
    label: monthShort(month),
    longLabel: monthName(month),
    value: counts.openedByMonth[i]!,
  }));
  const title = `Nye saker per måned, ${name}`;
  return html`<figure class="chart">
      ${barChart({ id: chartId(key), title, bars })}
      <figcaption>
        ${title}, ${monthName(overview.months[0]!)}–${monthName(overview.months[overview.months.length - 1]!)}. Tallene står også i tabellen
        under.
      </figcaption>
    </figure>
    <table class="overview-months">
      <caption>
        ${title}
      </caption>
      <thead>
        <tr>
          <th scope="col">Måned</th>
          <th scope="col">Nye saker</th>
        </tr>
      </thead>
      <tbody>
        ${bars.map(
          (b) =>
            html`<tr>
              <th scope="row">${b.longLabel}</th>
              <td>${b.value}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function municipalitySection(m: MunicipalityOverview, args: OverviewPageArgs): SafeHtml {
  const { overview } = m;
  const several = overview.schools.length > 1;
  return html`<section class="overview-municipality">
    <h2>${m.municipalityName}</h2>
    ${countsTable(m, args)}
    ${
      several &&
      html`<h3>Totalt for kommunen</h3>
        ${openedChart(`${m.municipalityName}-totalt`, `totalt for ${m.municipalityName}`, overview, overview.total)}`
    }
    ${overview.schools.map(
      (s) =>
        html`<h3>${args.schoolName(s.schoolId)}</h3>
          ${openedChart(s.schoolId, args.schoolName(s.schoolId), overview, s.counts)}`,
    )}
  </section>`;
}

export function overviewPage(args: OverviewPageArgs): SafeHtml {
  const term = args.municipalities[0]?.overview.term;
  return html`<h1>Oversikt</h1>
    <p>
      Saker du har tilgang til, talt fra
      saksoversikten.${
        term && html` Skolehalvåret er ${term.name} (${dayText(term.start)}–${dayText(term.end)}).`
      }${args.ownPupilsOnly ? ' Du ser bare sakene til dine egne elever.' : ''}
    </p>
    ${filterForm(args)}
    ${args.municipalities.length === 0 ? html`<p>Du har ingen skoler å vise.</p>` : args.municipalities.map((m) => municipalitySection(m, args))}`;
}
