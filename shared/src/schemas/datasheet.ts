import { z } from 'zod';

/**
 * The admin-written part of a release's datasheet (README.md; "Datasheets for Datasets", Gebru et
 * al.): the text the data cannot say by itself. Stored as one settings row (services/datasheet.ts)
 * and copied into each release's parameters when the release is made, so an export written again
 * later says what was true then, byte for byte.
 */

/** Licences an admin picks from (SPDX ids), with "other" for one named in free text. */
export const LICENCE_IDS = ['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'CC0-1.0', 'ODC-By-1.0', 'other'] as const;
export type LicenceId = (typeof LICENCE_IDS)[number];

export const LICENCES: Readonly<Record<Exclude<LicenceId, 'other'>, { name: string; url: string; nonCommercial: boolean }>> = {
  'CC-BY-4.0': { name: 'Creative Commons Attribution 4.0 International', url: 'https://creativecommons.org/licenses/by/4.0/', nonCommercial: false },
  'CC-BY-SA-4.0': { name: 'Creative Commons Attribution-ShareAlike 4.0 International', url: 'https://creativecommons.org/licenses/by-sa/4.0/', nonCommercial: false },
  'CC-BY-NC-4.0': { name: 'Creative Commons Attribution-NonCommercial 4.0 International', url: 'https://creativecommons.org/licenses/by-nc/4.0/', nonCommercial: true },
  'CC-BY-NC-SA-4.0': { name: 'Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International', url: 'https://creativecommons.org/licenses/by-nc-sa/4.0/', nonCommercial: true },
  'CC0-1.0': { name: 'Creative Commons Zero v1.0 Universal', url: 'https://creativecommons.org/publicdomain/zero/1.0/', nonCommercial: false },
  'ODC-By-1.0': { name: 'Open Data Commons Attribution License v1.0', url: 'https://opendatacommons.org/licenses/by/1-0/', nonCommercial: false },
};

/**
 * The MeViS papers' citation, as the authors give it (github.com/henghuiding/MeViS, README,
 * "BibTeX"; the journal version is the paper in ../shared/paper, Table 1: "MeViSv2 2025 [TPAMI]",
 * and its reference [1] the conference version).
 */
export const MEVIS_CITATION = `@article{MeViSv2,
  title={MeViS: A Multi-Modal Dataset for Referring Motion Expression Video Segmentation},
  author={Ding, Henghui and Liu, Chang and He, Shuting and Ying, Kaining and Jiang, Xudong and Loy, Chen Change and Jiang, Yu-Gang},
  journal={IEEE Transactions on Pattern Analysis and Machine Intelligence},
  year={2025},
  publisher={IEEE}
}
@inproceedings{MeViS,
  title={{MeViS}: A Large-scale Benchmark for Video Segmentation with Motion Expressions},
  author={Ding, Henghui and Liu, Chang and He, Shuting and Jiang, Xudong and Loy, Chen Change},
  booktitle={ICCV},
  year={2023}
}`;

/** Per free-text section: a few paragraphs. The whole text stays far below what a settings row or a release's parameters should hold. */
export const DATASHEET_TEXT_MAX = 4000;
export const DATASHEET_CITATION_MAX = 8000;
export const DATASHEET_LICENCE_NAME_MAX = 200;

/**
 * Line ends as "\n" (a text pasted from Windows rebuilds the same bytes as one typed here), no
 * trailing blanks, and no control characters but newlines and tabs: they would be invisible in the
 * card and could hide text from whoever reviews it.
 */
const text = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(s), 'control characters are not allowed (newlines and tabs are)');

/** The datasheet's sections an admin writes; each may stay empty (the card then says so). */
export const DATASHEET_SECTIONS = ['motivation', 'composition', 'collection', 'preprocessing', 'uses', 'distribution', 'maintenance'] as const;
export type DatasheetSection = (typeof DATASHEET_SECTIONS)[number];

export const DatasheetText = z
  .object({
    motivation: text(DATASHEET_TEXT_MAX),
    composition: text(DATASHEET_TEXT_MAX),
    collection: text(DATASHEET_TEXT_MAX),
    preprocessing: text(DATASHEET_TEXT_MAX),
    uses: text(DATASHEET_TEXT_MAX),
    distribution: text(DATASHEET_TEXT_MAX),
    maintenance: text(DATASHEET_TEXT_MAX),
    /** null until an admin chooses one: a release never gets a licence by default. */
    licence: z.enum(LICENCE_IDS).nullable(),
    /** The licence's name (and where to read it) when `licence` is "other"; ignored otherwise. */
    licenceOther: text(DATASHEET_LICENCE_NAME_MAX),
    /** BibTeX. */
    citation: text(DATASHEET_CITATION_MAX),
  })
  .strict()
  .refine((d) => d.licence !== 'other' || d.licenceOther.length > 0, { message: 'name the licence when choosing "other"', path: ['licenceOther'] });
export type DatasheetText = z.infer<typeof DatasheetText>;

export const DEFAULT_DATASHEET: DatasheetText = Object.freeze({
  motivation: '',
  composition: '',
  collection: '',
  preprocessing: '',
  uses: '',
  distribution: '',
  maintenance: '',
  licence: null,
  licenceOther: '',
  citation: MEVIS_CITATION,
});

/** A licence as the card states it: SPDX id, name, where to read it. */
export function licenceLine(d: Pick<DatasheetText, 'licence' | 'licenceOther'>): string | null {
  if (d.licence === null) return null;
  if (d.licence === 'other') return d.licenceOther;
  const l = LICENCES[d.licence];
  return `${l.name} (SPDX: ${d.licence}, ${l.url})`;
}
