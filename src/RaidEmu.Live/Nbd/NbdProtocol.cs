namespace RaidEmu.Live.Nbd;

/// <summary>The numbers of the NBD protocol (the fixed-newstyle protocol of the NetworkBlockDevice project) that the server uses.</summary>
internal static class NbdProtocol
{
    public const ulong InitMagic = 0x4e42444d41474943; // "NBDMAGIC"
    public const ulong OptionMagic = 0x49484156454F5054; // "IHAVEOPT"
    public const ulong ReplyMagic = 0x3e889045565a9;
    public const uint RequestMagic = 0x25609513;
    public const uint SimpleReplyMagic = 0x67446698;

    public const ushort FlagFixedNewstyle = 1;
    public const ushort FlagNoZeroes = 2;

    public const uint OptExportName = 1;
    public const uint OptAbort = 2;
    public const uint OptList = 3;
    public const uint OptInfo = 6;
    public const uint OptGo = 7;

    public const uint RepAck = 1;
    public const uint RepServer = 2;
    public const uint RepInfo = 3;
    public const uint RepErrUnsup = 0x80000001;
    public const uint RepErrInvalid = 0x80000003;
    public const uint RepErrUnknown = 0x80000006;

    public const ushort InfoExport = 0;
    public const ushort InfoBlockSize = 3;

    public const ushort TransHasFlags = 0x1;
    public const ushort TransReadOnly = 0x2;
    public const ushort TransSendFlush = 0x4;
    public const ushort TransSendFua = 0x8;
    public const ushort TransSendTrim = 0x20;
    public const ushort TransSendWriteZeroes = 0x40;
    public const ushort TransCanMultiConn = 0x100;

    public const ushort CmdRead = 0;
    public const ushort CmdWrite = 1;
    public const ushort CmdDisconnect = 2;
    public const ushort CmdFlush = 3;
    public const ushort CmdTrim = 4;
    public const ushort CmdWriteZeroes = 6;

    public const ushort CmdFlagFua = 1;

    public const uint EPerm = 1;
    public const uint EIo = 5;
    public const uint EInval = 22;
    public const uint ENoSpc = 28;

    /// <summary>Clients assume a maximum payload of 32 MiB.</summary>
    public const int MaxPayload = 32 * 1024 * 1024;
}
