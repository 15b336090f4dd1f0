/** Request schemas of the netboot routes (Elysia `t`). */
import { t } from "elysia";

export const Id = t.Object({ id: t.String({ maxLength: 64 }) });

export const ImageCreate = t.Object({
  name: t.String({ maxLength: 200 }),
  version: t.String({ maxLength: 100 }),
  cmdline: t.Optional(t.Nullable(t.String({ maxLength: 2000 }))),
});

export const ImagePatch = t.Object({
  name: t.Optional(t.String({ maxLength: 200 })),
  version: t.Optional(t.String({ maxLength: 100 })),
  cmdline: t.Optional(t.Nullable(t.String({ maxLength: 2000 }))),
});

export const UploadParams = t.Object({ id: t.String({ maxLength: 64 }), file: t.String({ maxLength: 20 }) });
export const UploadQuery = t.Object({ offset: t.Optional(t.Numeric({ minimum: 0 })), total: t.Numeric({ minimum: 1 }) });

export const DefaultSet = t.Object({
  groupName: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  imageId: t.Nullable(t.String({ maxLength: 64 })),
});

const hostFields = {
  mac: t.String({ maxLength: 40 }),
  name: t.String({ maxLength: 200 }),
  groupName: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  imageId: t.Optional(t.Nullable(t.String({ maxLength: 64 }))),
  menu: t.Optional(t.Boolean()),
};
export const HostCreate = t.Object(hostFields);
export const HostPatch = t.Partial(t.Object(hostFields));

export const Enrol = t.Object({
  name: t.String({ maxLength: 200 }),
  groupName: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  imageId: t.Optional(t.Nullable(t.String({ maxLength: 64 }))),
  menu: t.Optional(t.Boolean()),
});
