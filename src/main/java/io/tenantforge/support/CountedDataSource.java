package io.tenantforge.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;

/**
 * A Hikari pool whose connections count every statement they execute as a call of one
 * {@link Gateway} ({@link CallScope#record}): JdbcTemplate, plain JDBC, camel-sql, Flyway
 * and Quartz alike, whoever runs it. A batch is one call. Everything else passes through
 * to the pooled connection ({@code unwrap(PGConnection.class)} included).
 */
public class CountedDataSource extends HikariDataSource {

	private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
			"executeLargeUpdate", "executeLargeBatch");

	private volatile Gateway gateway;

	/** Counts nothing until {@link #countAs}: for Spring Boot's DataSourceBuilder. */
	public CountedDataSource() {
	}

	public CountedDataSource(Gateway gateway) {
		this.gateway = gateway;
	}

	/** Counts the statements as calls of {@code gateway} from now on. */
	public CountedDataSource countAs(Gateway gateway) {
		this.gateway = gateway;
		return this;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection = super.getConnection();
		return gateway == null ? connection : counted(connection, gateway);
	}

	private static Connection counted(Connection connection, Gateway gateway) {
		return (Connection) passingThrough(Connection.class, (proxy, method, args) -> {
			Object result = invoke(connection, method, args);
			return result instanceof Statement statement ? counted(statement, method, gateway) : result;
		});
	}

	/**
	 * The statement, counting each execution; of the type the connection's method
	 * returns.
	 */
	private static Object counted(Statement statement, Method creator, Gateway gateway) {
		return passingThrough(creator.getReturnType(), (proxy, method, args) -> {
			if (EXECUTE.contains(method.getName())) {
				CallScope.record(gateway);
			}
			return invoke(statement, method, args);
		});
	}

	/**
	 * A proxy of {@code type} that is equal only to itself and hands every other call to
	 * {@code handler}.
	 */
	private static Object passingThrough(Class<?> type, InvocationHandler handler) {
		return Proxy.newProxyInstance(CountedDataSource.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					default -> handler.invoke(proxy, method, args);
				});
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException e) {
			throw e.getCause();
		}
	}

}
