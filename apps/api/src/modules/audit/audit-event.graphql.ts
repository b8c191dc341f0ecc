export const auditEventTypeDefs = /* GraphQL */ `
  "Who made a change: a signed-in user or an API token."
  type AuditActor {
    user: User
    apiTokenPrefix: String
  }

  "One change: who, what, when."
  type AuditEvent {
    id: ID!
    "e.g. project.create, device_profile.set_visibility"
    action: String!
    targetType: String!
    targetId: ID
    actor: AuditActor!
    data: JSON!
    createdAt: DateTime!
  }

  type AuditEventEdge {
    cursor: String!
    node: AuditEvent!
  }

  type AuditEventConnection {
    edges: [AuditEventEdge!]!
    nodes: [AuditEvent!]!
    pageInfo: PageInfo!
  }

  extend type Organization {
    "Newest first. Admins only."
    auditEvents(first: Int = 20, after: String): AuditEventConnection!
  }
`;
