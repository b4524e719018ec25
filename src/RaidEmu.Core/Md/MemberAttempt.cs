namespace RaidEmu.Core.Md;

/// <summary>One try of an operation over members; <typeparamref name="TState"/> may be a span, which a lambda cannot capture.</summary>
/// <typeparam name="TState">What the operation works on.</typeparam>
/// <typeparam name="TResult">What it returns.</typeparam>
internal delegate TResult MemberAttempt<TState, TResult>(TState state)
    where TState : allows ref struct;
