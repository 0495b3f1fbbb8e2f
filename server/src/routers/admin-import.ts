import { ImportFolderList, ImportFoldersQuery, ImportJobView, ImportStatus, StartFolderImport } from '#shared/schemas/import.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/**
 * Imports from the browser (services/import-jobs.ts). Archives are uploaded through the plain
 * HTTP route http/import-upload.ts, which queues their job; these follow it, and pick folders
 * under IMPORT_ROOT.
 */
export const adminImportRouter = router({
  /** The newest import with its live progress (the page polls it) and the upload limit. */
  status: admin.output(ImportStatus).query(({ ctx }) => ctx.app.imports.status()),
  /** Folders directly under a folder of IMPORT_ROOT: relative names only. */
  folders: admin
    .input(ImportFoldersQuery)
    .output(ImportFolderList)
    .query(({ ctx, input }) => ctx.app.imports.folders(input.under)),
  /** Imports a folder under IMPORT_ROOT as a background job. */
  start: admin
    .input(StartFolderImport)
    .output(ImportJobView)
    .mutation(({ ctx, input }) => ctx.app.imports.startFolder(input, ctx.user.id)),
});
