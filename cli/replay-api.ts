/**
 * The EventBridge calls `cliniko-bridge replay` makes, as a small port (`ReplayApi`) so the command's
 * logic is tested with a fake, and its adapter over the AWS SDK (tested against moto in test:aws).
 * A bus or archive that does not exist is the operator's argument, so a `ConfigError` (exit 2).
 */
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ResourceNotFoundException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { awsClientDefaults } from '../shared/aws/client-defaults.js';
import { ConfigError } from '../shared/errors.js';

/** EventBridge's replay states; STARTING, RUNNING and CANCELLING are still moving. */
export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export const FINAL_STATES: ReadonlySet<string> = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

export interface ArchiveInfo {
  readonly arn: string;
  /** The ARN of the bus the archive records. */
  readonly sourceArn: string;
}

export interface ReplayStatus {
  readonly arn: string;
  readonly state: string;
  readonly stateReason?: string;
  readonly replayStartTime?: Date;
  readonly replayEndTime?: Date;
  /** The envelope time of the last event replayed so far: how far through the window the replay is. */
  readonly eventLastReplayedTime?: Date;
}

export interface StartReplayInput {
  readonly name: string;
  readonly archiveArn: string;
  readonly busArn: string;
  readonly since: Date;
  readonly until: Date;
}

export interface ReplayApi {
  /** The bus's ARN, from its name or ARN. */
  busArn(nameOrArn: string): Promise<string>;
  archive(name: string): Promise<ArchiveInfo>;
  startReplay(input: StartReplayInput): Promise<{ readonly arn: string; readonly state: string }>;
  describeReplay(name: string): Promise<ReplayStatus>;
  close(): void;
}

export class EventBridgeReplayApi implements ReplayApi {
  constructor(private readonly client: EventBridgeClient = new EventBridgeClient(awsClientDefaults())) {}

  async busArn(nameOrArn: string): Promise<string> {
    try {
      const { Arn } = await this.client.send(new DescribeEventBusCommand({ Name: nameOrArn }));
      if (Arn === undefined) throw new ConfigError('--bus', 'EventBridge described the bus without an ARN');
      return Arn;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new ConfigError(
          '--bus',
          `no event bus "${nameOrArn}" in the configured region; check the name (the stack output EventBusName) and AWS_REGION`,
        );
      }
      throw error;
    }
  }

  async archive(name: string): Promise<ArchiveInfo> {
    try {
      const { ArchiveArn, EventSourceArn } = await this.client.send(
        new DescribeArchiveCommand({ ArchiveName: name }),
      );
      if (ArchiveArn === undefined || EventSourceArn === undefined) {
        throw new ConfigError('--archive', 'EventBridge described the archive without its ARNs');
      }
      return { arn: ArchiveArn, sourceArn: EventSourceArn };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new ConfigError(
          '--archive',
          `no archive "${name}" in the configured region; check the name (the stack output ArchiveArn) and AWS_REGION`,
        );
      }
      throw error;
    }
  }

  async startReplay(input: StartReplayInput): Promise<{ arn: string; state: string }> {
    const { ReplayArn, State } = await this.client.send(
      new StartReplayCommand({
        ReplayName: input.name,
        Description: 'Started by cliniko-bridge replay',
        EventSourceArn: input.archiveArn,
        EventStartTime: input.since,
        EventEndTime: input.until,
        Destination: { Arn: input.busArn },
      }),
    );
    return { arn: ReplayArn ?? '', state: State ?? 'STARTING' };
  }

  async describeReplay(name: string): Promise<ReplayStatus> {
    const reply = await this.client.send(new DescribeReplayCommand({ ReplayName: name }));
    return {
      arn: reply.ReplayArn ?? '',
      state: reply.State ?? 'STARTING',
      ...(reply.StateReason ? { stateReason: reply.StateReason } : {}),
      ...(reply.ReplayStartTime ? { replayStartTime: reply.ReplayStartTime } : {}),
      ...(reply.ReplayEndTime ? { replayEndTime: reply.ReplayEndTime } : {}),
      ...(reply.EventLastReplayedTime ? { eventLastReplayedTime: reply.EventLastReplayedTime } : {}),
    };
  }

  close(): void {
    this.client.destroy();
  }
}
