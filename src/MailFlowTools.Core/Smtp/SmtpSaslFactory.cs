namespace MailFlowTools.Core.Smtp;

/// <summary>A mechanism for <paramref name="mechanism"/> with this credential, or null when it is not one the factory speaks.</summary>
public delegate ISmtpSaslMechanism? SmtpSaslFactory(string mechanism, string userName, string password, string host);
