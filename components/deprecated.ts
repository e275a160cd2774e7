/**
 * The argument types under their earlier names, for TypeScript programs written against them. The nested types lost
 * their "Args" suffix so that other languages' SDKs, which add "Args" to every input type, do not read "StorageArgsArgs".
 */
import type * as c from "./cluster/args";
import type * as b from "./bootstrap/args";
import type * as v from "./config/args";
import type * as a from "./appAccess/args";

/** @deprecated Use `Storage` with `type: "dynamodb"`. */ export type DynamoDbStorageArgs = c.Storage;
/** @deprecated Use `Storage` with `type: "raft"`. */ export type RaftStorageArgs = c.Storage;
/** @deprecated Use `Seal` with `type: "awskms"`. */ export type AwsKmsSealArgs = c.Seal;
/** @deprecated Use `Seal` with `type: "shamir"`. */ export type ShamirSealArgs = c.Seal;
/** @deprecated Use `Irsa`. */ export type IrsaArgs = c.Irsa;
/** @deprecated Use `VpcEndpoints`. */ export type VpcEndpointsArgs = c.VpcEndpoints;
/** @deprecated Use `Tls`. */ export type TlsArgs = c.Tls;
/** @deprecated Use `Ingress`. */ export type IngressArgs = c.Ingress;
/** @deprecated Use `Ui`. */ export type UiArgs = c.Ui;
/** @deprecated Use `Image`. */ export type ImageArgs = c.Image;
/** @deprecated Use `Injector`. */ export type InjectorArgs = c.Injector;
/** @deprecated Use `Csi`. */ export type CsiArgs = c.Csi;
/** @deprecated Use `AuditStorage`. */ export type AuditStorageArgs = c.AuditStorage;
/** @deprecated Use `Server`. */ export type ServerArgs = c.Server;
/** @deprecated Use `Chart`. */ export type ChartArgs = c.Chart;
/** @deprecated Use `Bootstrap`. */ export type BootstrapArgs = b.Bootstrap;
/** @deprecated Use `KeyCustody`. */ export type CustodyArgs = b.KeyCustody;
/** @deprecated Use `KeyHolder`. */ export type KeyHolderArgs = b.KeyHolder;
/** @deprecated Use `AuditDevice`. */ export type AuditDeviceArgs = v.AuditDevice;
/** @deprecated Use `KvMount`. */ export type KvMountArgs = v.KvMount;
/** @deprecated Use `SecretsEngines`. */ export type SecretsEnginesArgs = v.SecretsEngines;
/** @deprecated Use `TransitEngine`. */ export type TransitEngineArgs = v.TransitEngine;
/** @deprecated Use `AwsEngine`. */ export type AwsEngineArgs = v.AwsEngine;
/** @deprecated Use `AwsEngineRole`. */ export type AwsEngineRoleArgs = v.AwsEngineRole;
/** @deprecated Use `KubernetesAuth`. */ export type KubernetesAuthArgs = v.KubernetesAuth;
/** @deprecated Use `KubernetesAuthRole`. */ export type KubernetesAuthRoleArgs = v.KubernetesAuthRole;
/** @deprecated Use `JwtAuth`. */ export type JwtAuthArgs = v.JwtAuth;
/** @deprecated Use `JwtAuthRole`. */ export type JwtAuthRoleArgs = v.JwtAuthRole;
/** @deprecated Use `AppRoleAuth`. */ export type AppRoleAuthArgs = v.AppRoleAuth;
/** @deprecated Use `AppRoleRole`. */ export type AppRoleRoleArgs = v.AppRoleRole;
/** @deprecated Use `AppSecret`. */ export type AppSecretArgs = a.AppSecret;
