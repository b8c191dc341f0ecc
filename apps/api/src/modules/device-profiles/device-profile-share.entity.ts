import { EntitySchema } from 'typeorm';

/** Read access to a device profile (and its tables) granted by its owner to another organization. */
export interface DeviceProfileShare {
  /** The owner: shares are the owner's rows, so the owner lists and revokes them. */
  organizationId: string;
  deviceProfileId: string;
  sharedWithOrganizationId: string;
  createdAt: Date;
}

export const DeviceProfileShareEntity = new EntitySchema<DeviceProfileShare>({
  name: 'DeviceProfileShare',
  tableName: 'device_profile_shares',
  columns: {
    organizationId: { name: 'organization_id', type: 'uuid' },
    deviceProfileId: { name: 'device_profile_id', type: 'uuid', primary: true },
    sharedWithOrganizationId: { name: 'shared_with_organization_id', type: 'uuid', primary: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  indices: [{ name: 'ix_device_profile_shares_grantee', columns: ['sharedWithOrganizationId'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'DeviceProfile', columnNames: ['device_profile_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'Organization', columnNames: ['shared_with_organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
