import { alreadyWritten, Custody, CustodyRecords, CustodySlot } from "./types";

/**
 * Custody in Pulumi state only: records come from the resource's previous outputs and new ones go to its
 * (secret) outputs. Nothing outside the stack state holds the keys.
 */
export class StateCustody implements Custody {
    readonly description = "Pulumi stack state (secret outputs)";
    private readonly records: Partial<CustodyRecords>;

    constructor(previous: Partial<CustodyRecords> = {}) {
        this.records = { ...previous };
    }

    async read<S extends CustodySlot>(slot: S): Promise<CustodyRecords[S] | undefined> {
        return this.records[slot] as CustodyRecords[S] | undefined;
    }

    async preflight(slot: CustodySlot): Promise<void> {
        if (this.records[slot]) throw alreadyWritten(this.description, slot);
    }

    async writeOnce<S extends CustodySlot>(slot: S, record: CustodyRecords[S]): Promise<void> {
        if (this.records[slot]) throw alreadyWritten(this.description, slot);
        this.records[slot] = record;
    }
}
