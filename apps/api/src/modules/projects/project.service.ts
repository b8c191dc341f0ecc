import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import { conflict, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { ProjectEntity } from './project.entity.js';
import type { Project } from './project.entity.js';

const name = z.string().trim().min(1, 'Required').max(200);
const description = z.string().trim().max(10_000);
const createSchema = z.object({ organizationId: z.string(), name, description: description.nullish() });
const updateSchema = z.object({ organizationId: z.string(), id: z.string(), name: name.nullish(), description: description.nullish() });
const deleteSchema = z.object({ organizationId: z.string(), id: z.string() });

export class ProjectService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(scope: OrgScope, page: PageArgs): Promise<Connection<Project>> {
    demand(scope, 'read');
    return owned(this.dataSource, ProjectEntity, scope).page(page, { alias: 'project' });
  }

  get(scope: OrgScope, id: string): Promise<Project> {
    demand(scope, 'read');
    return this.find(this.dataSource.manager, scope, id);
  }

  private async find(manager: EntityManager, scope: OrgScope, id: string): Promise<Project> {
    const project = isUuid(id) ? await owned(manager, ProjectEntity, scope).findOne({ id }) : null;
    if (!project) throw notFound('Project');
    return project;
  }

  private async assertNameFree(manager: EntityManager, scope: OrgScope, projectName: string, exceptId?: string): Promise<void> {
    const existing = await owned(manager, ProjectEntity, scope).findOne({ name: projectName });
    if (existing && existing.id !== exceptId) throw conflict('A project with this name exists');
  }

  async create(scope: OrgScope, rawInput: unknown): Promise<Project> {
    demand(scope, 'projects:write');
    const input = parseInput(createSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, scope, input.name);
      const project = await owned(manager, ProjectEntity, scope).save({ name: input.name, description: input.description ?? '' });
      await this.audit.record(manager, scope, {
        action: 'project.create',
        targetType: 'project',
        targetId: project.id,
        data: { name: project.name },
      });
      return project;
    });
  }

  async update(scope: OrgScope, rawInput: unknown): Promise<Project> {
    demand(scope, 'projects:write');
    const input = parseInput(updateSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const project = await this.find(manager, scope, input.id);
      const changes = {
        ...(input.name != null ? { name: input.name } : {}),
        ...(input.description != null ? { description: input.description } : {}),
      };
      if (changes.name) await this.assertNameFree(manager, scope, changes.name, project.id);
      await owned(manager, ProjectEntity, scope).update({ id: project.id }, changes);
      await this.audit.record(manager, scope, { action: 'project.update', targetType: 'project', targetId: project.id, data: changes });
      return this.find(manager, scope, project.id);
    });
  }

  async delete(scope: OrgScope, rawInput: unknown): Promise<string> {
    demand(scope, 'projects:write');
    const input = parseInput(deleteSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const project = await this.find(manager, scope, input.id);
      await owned(manager, ProjectEntity, scope).delete({ id: project.id });
      await this.audit.record(manager, scope, {
        action: 'project.delete',
        targetType: 'project',
        targetId: project.id,
        data: { name: project.name },
      });
      return project.id;
    });
  }
}
